import type { ReactNode } from "react";
import { sessionActor } from "./require-actor";
import { AppHeader } from "@/components/shell/app-header";
import type { NavItem } from "@/components/shell/nav-links";
import { GlobalCommands } from "@/components/shell/global-commands";
import { LoginRedirect } from "@/components/auth/login-redirect";

export default async function AppLayout({ children }: { children: ReactNode }) {
  const actor = await sessionActor();
  // Every page calls requirePage() (its row of the permission matrix), which redirects (HTTP 307) to /login with its own
  // callbackUrl; rendering the page is what lets that redirect happen on the server. The client
  // redirect is a backstop for a page that forgot, and no header or user data is rendered.
  if (!actor || !actor.id)
    return (
      <>
        {children}
        <LoginRedirect />
      </>
    );
  // Until the second factor the sign-in policy requires is set up, only its page opens (ADR 044):
  // no navigation, and no bell or live stream (their routes would refuse the session).
  if (actor.enrolmentRequired)
    return (
      <div className="flex min-h-dvh flex-col">
        <AppHeader user={{ name: actor.name, role: actor.role }} nav={[]} enrolling />
        {children}
      </div>
    );
  const nav: NavItem[] = [{ href: "/inbox", label: "Inbox" }, { href: "/requests", label: "My requests" }];
  if (actor.permissions.has("team:manage")) nav.push({ href: "/team", label: "Team" });
  if (actor.permissions.has("audit:read")) nav.push({ href: "/audit", label: "Audit" });
  if (actor.permissions.has("rules:edit")) nav.push({ href: "/rules", label: "Rules" });
  if (actor.permissions.has("processes:manage")) nav.push({ href: "/processes", label: "Processes" });
  if (actor.permissions.has("metrics:read")) nav.push({ href: "/dashboard", label: "Dashboard" });
  if (actor.permissions.has("users:manage")) nav.push({ href: "/admin/people", label: "People" }, { href: "/admin/groups", label: "Groups" });
  if (actor.permissions.has("users:read")) nav.push({ href: "/org-chart", label: "Org chart" });
  if (actor.permissions.has("tokens:manage")) nav.push({ href: "/admin/tokens", label: "API tokens" });
  if (actor.permissions.has("webhooks:manage")) nav.push({ href: "/admin/webhooks", label: "Webhooks" });
  if (actor.permissions.has("secrets:manage")) nav.push({ href: "/admin/secrets", label: "Secrets" });
  return (
    <div className="flex min-h-dvh flex-col">
      <GlobalCommands nav={nav}>
        <AppHeader user={{ name: actor.name, role: actor.role }} nav={nav} />
        {children}
      </GlobalCommands>
    </div>
  );
}
