import type { Metadata } from "next";
import { NoAccess } from "@/components/no-access";
import { GroupsView } from "@/components/admin/groups-view";
import { requirePage } from "../../require-actor";

export const metadata: Metadata = { title: "Groups" };

export default async function GroupsPage() {
  const { allowed } = await requirePage("/admin/groups");
  if (!allowed) return <NoAccess what="group administration" permission="users:manage" />;
  return <GroupsView />;
}
