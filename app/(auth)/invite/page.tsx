import type { Metadata } from "next";
import { AcceptInvitation } from "@/components/auth/accept-invitation";
import { AuthCard } from "@/components/auth/auth-card";

// Rendered per request: the page's scripts carry the nonce of the CSP proxy.ts sets (a prerendered
// page has none, and the browser refuses its scripts).
export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Join Baton" };

// Public (PAGES in app/api/permission-matrix.ts): the link's token is in the URL fragment, which
// only the browser sees; the form reads it and asks the API what the link is for.
export default function InvitePage() {
  return (
    <AuthCard>
      <AcceptInvitation />
    </AuthCard>
  );
}
