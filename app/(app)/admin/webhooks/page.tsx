import type { Metadata } from "next";
import { NoAccess } from "@/components/no-access";
import { WebhooksView } from "@/components/admin/webhooks-view";
import { requirePage } from "../../require-actor";

export const metadata: Metadata = { title: "Webhooks" };

export default async function WebhooksPage() {
  const { allowed } = await requirePage("/admin/webhooks");
  if (!allowed) return <NoAccess what="webhooks" permission="webhooks:manage" />;
  return <WebhooksView />;
}
