import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { TeamConsole } from "@/components/team/team-view";
import { requireActor } from "../require-actor";

export const metadata: Metadata = { title: "Team" };

export default async function TeamPage() {
  const actor = await requireActor("/team");
  // Checked on the server: members get an HTTP 403 and the forbidden page, never team data.
  if (!actor.permissions.has("team:manage") || !actor.id) forbidden();
  return <TeamConsole me={{ id: actor.id, name: actor.name }} />;
}
