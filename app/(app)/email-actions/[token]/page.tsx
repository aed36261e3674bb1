import type { Metadata } from "next";
import { EmailActionView } from "@/components/email-actions/email-action-view";
import { requirePage } from "../../require-actor";

export const metadata: Metadata = { title: "Confirm your decision", referrer: "no-referrer" };

/**
 * Where an approve / reject link from a task e-mail lands (ADR 047). Signed out, the sign-in comes
 * back here with the link; the page only shows what the link proposes: the person confirms.
 */
export default async function EmailActionPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  await requirePage("/email-actions/[token]", `/email-actions/${encodeURIComponent(token)}`);
  return <EmailActionView token={token} />;
}
