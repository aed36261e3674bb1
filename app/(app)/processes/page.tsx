import type { Metadata } from "next";
import { NoAccess } from "@/components/no-access";
import { ProcessesView } from "@/components/processes/processes-view";
import { requirePage } from "../require-actor";

export const metadata: Metadata = { title: "Processes" };

export default async function ProcessesPage() {
  const { allowed } = await requirePage("/processes");
  if (!allowed) return <NoAccess what="processes" permission="processes:manage" />;
  return <ProcessesView />;
}
