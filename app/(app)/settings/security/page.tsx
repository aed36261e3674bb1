import type { Metadata } from "next";
import { SecuritySettings } from "@/components/settings/security-settings";
import { requirePage } from "../../require-actor";

export const metadata: Metadata = { title: "Sign-in security" };

export default async function SecuritySettingsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { actor } = await requirePage("/settings/security");
  const sp = await searchParams;
  return <SecuritySettings enrolRequired={sp.enrol === "required"} canSetPolicy={actor.permissions.has("users:manage")} />;
}
