import type { Metadata } from "next";
import { NoAccess } from "@/components/no-access";
import { TokensView } from "@/components/admin/tokens-view";
import { requireActor } from "../../require-actor";

export const metadata: Metadata = { title: "API tokens" };

export default async function TokensPage() {
  const actor = await requireActor("/admin/tokens");
  if (!actor.permissions.has("tokens:manage")) return <NoAccess what="API tokens" permission="tokens:manage" />;
  return <TokensView />;
}
