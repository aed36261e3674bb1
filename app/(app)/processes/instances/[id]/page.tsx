import type { Metadata } from "next";
import { NoAccess } from "@/components/no-access";
import { InstanceView } from "@/components/processes/instance-view";
import { requireActor } from "../../../require-actor";

export const metadata: Metadata = { title: "Process instance" };

export default async function InstancePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const actor = await requireActor(`/processes/instances/${id}`);
  if (!actor.permissions.has("processes:manage") && !actor.permissions.has("metrics:read")) return <NoAccess what="process instances" permission="processes:manage" />;
  return <InstanceView id={id} />;
}
