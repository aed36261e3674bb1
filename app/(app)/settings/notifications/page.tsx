import type { Metadata } from "next";
import { NotificationPreferences } from "@/components/settings/notification-preferences";
import { requirePage } from "../../require-actor";

export const metadata: Metadata = { title: "Notification settings" };

export default async function NotificationSettingsPage() {
  await requirePage("/settings/notifications");
  return <NotificationPreferences />;
}
