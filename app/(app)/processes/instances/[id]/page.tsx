import type { Metadata } from "next";
import { NoAccess } from "@/components/no-access";
import { InstanceView } from "@/components/processes/instance-view";
import { requirePage } from "../../../require-actor";

export const metadata: Metadata = { title: "Process instance" };

export default async function InstancePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { allowed } = await requirePage("/processes/instances/[id]", `/processes/instances/${id}`);
  if (!allowed) return <NoAccess what="process instances" permission="processes:manage" />;
  return <InstanceView id={id} />;
}
