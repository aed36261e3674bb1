import type { Metadata } from "next";
import { AcceptInvitation } from "@/components/auth/accept-invitation";
import { AuthCard } from "@/components/auth/auth-card";

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
