import type { Metadata } from "next";
import { NoAccess } from "@/components/no-access";
import { ProcessesView } from "@/components/processes/processes-view";
import { requireActor } from "../require-actor";

export const metadata: Metadata = { title: "Processes" };

export default async function ProcessesPage() {
  const actor = await requireActor("/processes");
  if (!actor.permissions.has("processes:manage")) return <NoAccess what="processes" permission="processes:manage" />;
  return <ProcessesView />;
}
