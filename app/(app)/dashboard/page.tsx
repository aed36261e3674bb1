import type { Metadata } from "next";
import { Suspense } from "react";
import { NoAccess } from "@/components/no-access";
import { DashboardView } from "@/components/dashboard/dashboard-view";
import { pathWithQuery, requireActor } from "../require-actor";

export const metadata: Metadata = { title: "Process dashboard" };

export default async function DashboardPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requireActor(pathWithQuery("/dashboard", await searchParams));
  if (!actor.permissions.has("metrics:read")) return <NoAccess what="the process dashboard" permission="metrics:read" />;
  return (
    <Suspense>
      <DashboardView canManage={actor.permissions.has("processes:manage")} />
    </Suspense>
  );
}
