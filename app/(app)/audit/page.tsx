import type { Metadata } from "next";
import { Suspense } from "react";
import { NoAccess } from "@/components/no-access";
import { AuditView } from "@/components/audit/audit-view";
import { pathWithQuery, requirePage } from "../require-actor";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { actor, allowed } = await requirePage("/audit", pathWithQuery("/audit", await searchParams));
  // Checked on the server: without the permission no audit data ever reaches the browser.
  if (!allowed) return <NoAccess what="the audit log" permission="audit:read" />;
  return (
    <Suspense>
      {/* Verifying the chain is for auditors and admins; supervisors read their team's entries. */}
      <AuditView canVerify={actor.role === "ADMIN" || actor.role === "AUDITOR"} />
    </Suspense>
  );
}
