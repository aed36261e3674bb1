import type { Metadata } from "next";
import { NoAccess } from "@/components/no-access";
import { RulesList } from "@/components/rules/rules-list";
import { requirePage } from "../require-actor";

export const metadata: Metadata = { title: "Decision tables" };

export default async function RulesPage() {
  const { allowed } = await requirePage("/rules");
  if (!allowed) return <NoAccess what="decision tables" permission="rules:edit" />;
  return <RulesList />;
}
