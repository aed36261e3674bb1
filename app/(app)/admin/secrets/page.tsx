import type { Metadata } from "next";
import { NoAccess } from "@/components/no-access";
import { SecretsView } from "@/components/admin/secrets-view";
import { requirePage } from "../../require-actor";

export const metadata: Metadata = { title: "Secrets" };

export default async function SecretsPage() {
  const { allowed } = await requirePage("/admin/secrets");
  if (!allowed) return <NoAccess what="secrets" permission="secrets:manage" />;
  return <SecretsView />;
}
