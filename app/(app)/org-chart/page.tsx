import type { Metadata } from "next";
import { NoAccess } from "@/components/no-access";
import { OrgChartView } from "@/components/admin/org-chart-view";
import { requirePage } from "../require-actor";

export const metadata: Metadata = { title: "Org chart" };

export default async function OrgChartPage() {
  const { allowed } = await requirePage("/org-chart");
  if (!allowed) return <NoAccess what="the org chart" permission="users:read" />;
  return <OrgChartView />;
}
