import type { Metadata } from "next";
import { NoAccess } from "@/components/no-access";
import { DecisionModelView } from "@/components/rules/decision-model-view";
import { requirePage } from "../../../require-actor";

export const metadata: Metadata = { title: "Decision model" };

export default async function DecisionModelPage({ params }: { params: Promise<{ key: string }> }) {
  const { key } = await params;
  const { allowed } = await requirePage("/rules/models/[key]", `/rules/models/${encodeURIComponent(key)}`);
  if (!allowed) return <NoAccess what="decision models" permission="rules:edit" />;
  return <DecisionModelView modelKey={key} />;
}
