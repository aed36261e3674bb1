import type { Metadata } from "next";
import { NoAccess } from "@/components/no-access";
import { ProcessView } from "@/components/processes/process-view";
import { requirePage } from "../../require-actor";

export const metadata: Metadata = { title: "Process" };

export default async function ProcessPage({ params, searchParams }: { params: Promise<{ key: string }>; searchParams: Promise<{ version?: string }> }) {
  const { key } = await params;
  const { version } = await searchParams;
  const { allowed } = await requirePage("/processes/[key]", `/processes/${encodeURIComponent(key)}`);
  if (!allowed) return <NoAccess what="processes" permission="processes:manage" />;
  const n = version && /^\d{1,6}$/.test(version) ? Number(version) : null;
  return <ProcessView processKey={key} version={n} />;
}
