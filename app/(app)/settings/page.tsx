import type { Metadata } from "next";
import { SettingsView } from "@/components/settings/settings-view";
import { requirePage } from "../require-actor";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  await requirePage("/settings");
  return <SettingsView />;
}
