import type { Metadata } from "next";
import { NoAccess } from "@/components/no-access";
import { RulesList } from "@/components/rules/rules-list";
import { requireActor } from "../require-actor";

export const metadata: Metadata = { title: "Decision tables" };

export default async function RulesPage() {
  const actor = await requireActor("/rules");
  if (!actor.permissions.has("rules:edit")) return <NoAccess what="decision tables" permission="rules:edit" />;
  return <RulesList />;
}
