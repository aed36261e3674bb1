import type { Metadata } from "next";
import { NoAccess } from "@/components/no-access";
import { PeopleView } from "@/components/admin/people-view";
import { requirePage } from "../../require-actor";

export const metadata: Metadata = { title: "People" };

export default async function PeoplePage() {
  const { actor, allowed } = await requirePage("/admin/people");
  if (!allowed) return <NoAccess what="people administration" permission="users:manage" />;
  return <PeopleView myId={actor.id ?? ""} />;
}
