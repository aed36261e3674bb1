import type { Metadata } from "next";
import { NoAccess } from "@/components/no-access";
import { TokensView } from "@/components/admin/tokens-view";
import { requirePage } from "../../require-actor";

export const metadata: Metadata = { title: "API tokens" };

export default async function TokensPage() {
  const { allowed } = await requirePage("/admin/tokens");
  if (!allowed) return <NoAccess what="API tokens" permission="tokens:manage" />;
  return <TokensView />;
}
