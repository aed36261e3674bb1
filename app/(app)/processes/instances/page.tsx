import type { Metadata } from "next";
import { Suspense } from "react";
import { NoAccess } from "@/components/no-access";
import { InstancesView } from "@/components/processes/instances-view";
import { pathWithQuery, requireActor } from "../../require-actor";

export const metadata: Metadata = { title: "Process instances" };

export default async function InstancesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requireActor(pathWithQuery("/processes/instances", await searchParams));
  // Operators, and dashboard readers following a number to the instances behind it.
  if (!actor.permissions.has("processes:manage") && !actor.permissions.has("metrics:read")) return <NoAccess what="process instances" permission="processes:manage" />;
  return (
    <Suspense>
      <InstancesView />
    </Suspense>
  );
}
