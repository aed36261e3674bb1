import type { Metadata } from "next";
import { NoAccess } from "@/components/no-access";
import { SecretsView } from "@/components/admin/secrets-view";
import { requireActor } from "../../require-actor";

export const metadata: Metadata = { title: "Secrets" };

export default async function SecretsPage() {
  const actor = await requireActor("/admin/secrets");
  if (!actor.permissions.has("secrets:manage")) return <NoAccess what="secrets" permission="secrets:manage" />;
  return <SecretsView />;
}
