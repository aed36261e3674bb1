import type { Metadata } from "next";
import { Suspense } from "react";
import { NoAccess } from "@/components/no-access";
import { InstancesView } from "@/components/processes/instances-view";
import { pathWithQuery, requireActor } from "../../require-actor";

export const metadata: Metadata = { title: "Process instances" };

export default async function InstancesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requireActor(pathWithQuery("/processes/instances", await searchParams));
  if (!actor.permissions.has("processes:manage")) return <NoAccess what="process instances" permission="processes:manage" />;
  return (
    <Suspense>
      <InstancesView />
    </Suspense>
  );
}
