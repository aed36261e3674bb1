import type { Metadata } from "next";
import { NoAccess } from "@/components/no-access";
import { DecisionTableView } from "@/components/rules/decision-table-view";
import { requirePage } from "../../require-actor";

export const metadata: Metadata = { title: "Decision table" };

export default async function DecisionTablePage({ params }: { params: Promise<{ key: string }> }) {
  const { key } = await params;
  const { allowed } = await requirePage("/rules/[key]", `/rules/${encodeURIComponent(key)}`);
  if (!allowed) return <NoAccess what="decision tables" permission="rules:edit" />;
  return <DecisionTableView tableKey={key} />;
}
