import type { Metadata } from "next";
import { NoAccess } from "@/components/no-access";
import { QueueHealthView } from "@/components/dashboard/queue-health-view";
import { requireActor } from "../../require-actor";

export const metadata: Metadata = { title: "Queue health" };

export default async function QueueHealthPage() {
  const actor = await requireActor("/dashboard/queues");
  if (!actor.permissions.has("metrics:read")) return <NoAccess what="queue health" permission="metrics:read" />;
  return <QueueHealthView canOperate={actor.permissions.has("processes:manage")} />;
}
