import type { Metadata } from "next";
import { NoAccess } from "@/components/no-access";
import { PeopleView } from "@/components/admin/people-view";
import { requireActor } from "../../require-actor";

export const metadata: Metadata = { title: "People" };

export default async function PeoplePage() {
  const actor = await requireActor("/admin/people");
  if (!actor.permissions.has("users:manage")) return <NoAccess what="people administration" permission="users:manage" />;
  return <PeopleView myId={actor.id ?? ""} />;
}
