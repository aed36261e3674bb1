import type { Metadata } from "next";
import { SettingsView } from "@/components/settings/settings-view";
import { requireActor } from "../require-actor";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  await requireActor("/settings");
  return <SettingsView />;
}
