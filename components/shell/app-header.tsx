import Link from "next/link";
import { Settings } from "lucide-react";
import { ROLE_LABELS, type RoleName } from "@/lib/identity/permissions";
import { NavLinks, type NavItem } from "./nav-links";
import { NotificationBell } from "./notification-bell";
import { LiveIndicator } from "./live-indicator";
import { SignOutButton } from "./sign-out-button";

interface HeaderUser {
  name: string;
  role: RoleName;
}

/** `enrolling`: the person must set up two-step sign-in first, so the header offers only sign-out. */
export function AppHeader({ user, nav, enrolling = false }: { user: HeaderUser; nav: NavItem[]; enrolling?: boolean }) {
  return (
    <header className="sticky top-0 z-30 border-b border-slate-200 bg-white/95 backdrop-blur">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:shadow"
      >
        Skip to content
      </a>
      <div className="mx-auto flex h-14 max-w-[1600px] items-center gap-3 px-3 sm:gap-6 sm:px-5">
        <Link href="/inbox" className="flex items-center gap-2 rounded font-semibold text-slate-900 focus-visible:outline-2 focus-visible:outline-indigo-600">
          <span aria-hidden className="grid size-7 place-items-center rounded-md bg-indigo-600 text-sm font-bold text-white">
            B
          </span>
          {/* Visible from sm up; on a phone it still names the link for screen readers. */}
          <span className="sr-only sm:not-sr-only">Baton</span>
        </Link>
        {/* Enrolling: nothing to navigate to (on a phone, no empty Menu button either). */}
        {!enrolling && <NavLinks items={nav} />}
        {/* Never squeezed: the navigation gives way (it turns into the Menu button) instead. */}
        <div className="ml-auto flex shrink-0 items-center gap-1 sm:gap-3">
          {enrolling ? (
            <span className="hidden text-sm font-medium text-slate-900 md:block" data-testid="user-name">
              {user.name}
            </span>
          ) : (
            <>
              <LiveIndicator />
              <NotificationBell />
              <Link
                href="/settings"
                title="Your settings"
                className="flex items-center gap-2 rounded-md px-1.5 py-1 text-right leading-tight hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-600"
              >
                <span className="hidden md:block">
                  <span className="block text-sm font-medium text-slate-900" data-testid="user-name">
                    {user.name}
                  </span>
                  <span className="block text-xs text-slate-500">{ROLE_LABELS[user.role]}</span>
                </span>
                <Settings aria-hidden className="size-4 text-slate-500" />
                <span className="sr-only">Settings</span>
              </Link>
            </>
          )}
          <SignOutButton />
        </div>
      </div>
    </header>
  );
}
