import type { Metadata } from "next";
import { NoAccess } from "@/components/no-access";
import { DecisionTableView } from "@/components/rules/decision-table-view";
import { requireActor } from "../../require-actor";

export const metadata: Metadata = { title: "Decision table" };

export default async function DecisionTablePage({ params }: { params: Promise<{ key: string }> }) {
  const { key } = await params;
  const actor = await requireActor(`/rules/${encodeURIComponent(key)}`);
  if (!actor.permissions.has("rules:edit")) return <NoAccess what="decision tables" permission="rules:edit" />;
  return <DecisionTableView tableKey={key} />;
}
