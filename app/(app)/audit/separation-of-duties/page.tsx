import type { Metadata } from "next";
import { Suspense } from "react";
import { NoAccess } from "@/components/no-access";
import { SodReportView } from "@/components/audit/sod-report-view";
import { pathWithQuery, requirePage } from "../../require-actor";

export const metadata: Metadata = { title: "Separation of duties" };

export default async function SeparationOfDutiesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { actor, allowed } = await requirePage("/audit/separation-of-duties", pathWithQuery("/audit/separation-of-duties", await searchParams));
  // Every team's decisions: auditors and admins only (supervisors read their team's audit log).
  if (!allowed || (actor.role !== "ADMIN" && actor.role !== "AUDITOR")) return <NoAccess what="the separation-of-duties report" permission="audit:read (auditors and admins)" />;
  return (
    <Suspense>
      <SodReportView />
    </Suspense>
  );
}
