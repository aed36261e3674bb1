import type { Metadata } from "next";
import { NoAccess } from "@/components/no-access";
import { WebhooksView } from "@/components/admin/webhooks-view";
import { requireActor } from "../../require-actor";

export const metadata: Metadata = { title: "Webhooks" };

export default async function WebhooksPage() {
  const actor = await requireActor("/admin/webhooks");
  if (!actor.permissions.has("webhooks:manage")) return <NoAccess what="webhooks" permission="webhooks:manage" />;
  return <WebhooksView />;
}
