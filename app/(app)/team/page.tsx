import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { TeamConsole } from "@/components/team/team-view";
import { requirePage } from "../require-actor";

export const metadata: Metadata = { title: "Team" };

export default async function TeamPage() {
  const { actor, allowed } = await requirePage("/team");
  // Checked on the server: members get an HTTP 403 and the forbidden page, never team data.
  if (!allowed || !actor.id) forbidden();
  return <TeamConsole me={{ id: actor.id, name: actor.name }} />;
}
