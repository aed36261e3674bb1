import type { Metadata } from "next";
import { NotificationPreferences } from "@/components/settings/notification-preferences";
import { requireActor } from "../../require-actor";

export const metadata: Metadata = { title: "Notification settings" };

export default async function NotificationSettingsPage() {
  await requireActor("/settings/notifications");
  return <NotificationPreferences />;
}
