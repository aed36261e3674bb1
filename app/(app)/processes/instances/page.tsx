import type { Metadata } from "next";
import { Suspense } from "react";
import { NoAccess } from "@/components/no-access";
import { InstancesView } from "@/components/processes/instances-view";
import { pathWithQuery, requirePage } from "../../require-actor";

export const metadata: Metadata = { title: "Process instances" };

export default async function InstancesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { allowed } = await requirePage("/processes/instances", pathWithQuery("/processes/instances", await searchParams));
  // Operators, and dashboard readers following a number to the instances behind it.
  if (!allowed) return <NoAccess what="process instances" permission="processes:manage" />;
  return (
    <Suspense>
      <InstancesView />
    </Suspense>
  );
}
