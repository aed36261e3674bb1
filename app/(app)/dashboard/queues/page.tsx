import type { Metadata } from "next";
import { NoAccess } from "@/components/no-access";
import { QueueHealthView } from "@/components/dashboard/queue-health-view";
import { requirePage } from "../../require-actor";

export const metadata: Metadata = { title: "Queue health" };

export default async function QueueHealthPage() {
  const { actor, allowed } = await requirePage("/dashboard/queues");
  if (!allowed) return <NoAccess what="queue health" permission="metrics:read" />;
  return <QueueHealthView canOperate={actor.permissions.has("processes:manage")} />;
}
