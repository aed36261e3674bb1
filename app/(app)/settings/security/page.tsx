import type { Metadata } from "next";
import { SecuritySettings } from "@/components/settings/security-settings";
import { requirePage } from "../../require-actor";

export const metadata: Metadata = { title: "Sign-in security" };

export default async function SecuritySettingsPage() {
  const { actor } = await requirePage("/settings/security");
  // The policy's requirement is read with the person (not from the ?enrol=required the redirect adds).
  const enrolling = actor.enrolmentRequired === true;
  return <SecuritySettings enrolRequired={enrolling} canSetPolicy={actor.permissions.has("users:manage") && !enrolling} />;
}
