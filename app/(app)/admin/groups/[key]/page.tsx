import type { Metadata } from "next";
import { NoAccess } from "@/components/no-access";
import { GroupView } from "@/components/admin/group-view";
import { requirePage } from "../../../require-actor";

export const metadata: Metadata = { title: "Group" };

export default async function GroupPage({ params }: { params: Promise<{ key: string }> }) {
  const { key } = await params;
  const { allowed } = await requirePage("/admin/groups/[key]", `/admin/groups/${encodeURIComponent(decodeURIComponent(key))}`);
  if (!allowed) return <NoAccess what="group administration" permission="users:manage" />;
  return <GroupView groupKey={decodeURIComponent(key)} />;
}
