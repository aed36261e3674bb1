import type { Metadata } from "next";
import { Suspense } from "react";
import { NoAccess } from "@/components/no-access";
import { DashboardView } from "@/components/dashboard/dashboard-view";
import { pathWithQuery, requirePage } from "../require-actor";

export const metadata: Metadata = { title: "Process dashboard" };

export default async function DashboardPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { actor, allowed } = await requirePage("/dashboard", pathWithQuery("/dashboard", await searchParams));
  if (!allowed) return <NoAccess what="the process dashboard" permission="metrics:read" />;
  return (
    <Suspense>
      <DashboardView canManage={actor.permissions.has("processes:manage")} />
    </Suspense>
  );
}
