import { ENUMS } from "../generated/db/schema";
import { z } from "zod";

// What a person can be notified about, and on which channels. A person's preferences override the
// defaults per kind and channel (lib/notifications/preferences.ts); the defaults keep e-mail for
// work that waits on *you* and leave the rest in the bell.

const NOTIFICATION_CHANNELS = ENUMS.NotificationChannel;
export const notificationChannelSchema = z.enum(NOTIFICATION_CHANNELS);
export type NotificationChannel = z.infer<typeof notificationChannelSchema>;

export const NOTIFICATION_KINDS = [
  "task.assigned",
  "task.queued",
  "task.escalated",
  "task.reminder",
  "task.info_requested",
  "task.info_answered",
  "task.mentioned",
  "task.decided",
  // Not an event: once a day, an e-mail listing the person's unread notifications (digest.ts).
  "digest.daily",
] as const;
export const notificationKindSchema = z.enum(NOTIFICATION_KINDS);
export type NotificationKind = z.infer<typeof notificationKindSchema>;

interface KindInfo {
  label: string;
  /** Shown on the settings page. */
  description: string;
  /** Told in the e-mail: why this person got it. */
  because: string;
  defaults: Record<NotificationChannel, boolean>;
  /** The channels a person may choose (default: both). */
  channels?: readonly NotificationChannel[];
}

export const KIND_INFO: Record<NotificationKind, KindInfo> = {
  "task.assigned": {
    label: "Assigned to you",
    description: "A task is assigned to you, by routing, a reassignment or a delegation.",
    because: "You received this because the task was assigned to you.",
    defaults: { IN_APP: true, EMAIL: true },
  },
  "task.queued": {
    label: "New in your group's queue",
    description: "A task arrives in a group queue you are a member of.",
    because: "You received this because you are a member of the group whose queue the task waits in.",
    defaults: { IN_APP: true, EMAIL: false },
  },
  "task.escalated": {
    label: "Escalated to you",
    description: "A task passed its deadline and was escalated to you or your group.",
    because: "You received this because the task was escalated to you.",
    defaults: { IN_APP: true, EMAIL: true },
  },
  "task.reminder": {
    label: "Reminders",
    description: "A task you hold is close to its due time.",
    because: "You received this because a task you hold is due soon.",
    defaults: { IN_APP: true, EMAIL: true },
  },
  "task.info_requested": {
    label: "Questions to you",
    description: "Someone asks you for information on a task.",
    because: "You received this because someone asked you a question on the task.",
    defaults: { IN_APP: true, EMAIL: true },
  },
  "task.info_answered": {
    label: "Answers to your questions",
    description: "The person you asked answered.",
    because: "You received this because you asked a question on the task.",
    defaults: { IN_APP: true, EMAIL: false },
  },
  "task.mentioned": {
    label: "Mentions",
    description: "Someone mentions you in a comment.",
    because: "You received this because you were mentioned in a comment.",
    defaults: { IN_APP: true, EMAIL: false },
  },
  "task.decided": {
    label: "Your requests decided",
    description: "A task you requested is approved or rejected.",
    because: "You received this because you requested the task.",
    defaults: { IN_APP: true, EMAIL: false },
  },
  "digest.daily": {
    label: "Daily digest",
    description: "Once a day, from 07:00 your time, an e-mail listing the notifications you have not read yet (none when there are none).",
    because: "You received this because you chose the daily digest.",
    defaults: { IN_APP: false, EMAIL: false },
    channels: ["EMAIL"],
  },
};

/** Whether a person may choose this channel for this kind (the digest is e-mail only). */
export function channelOffered(kind: string, channel: NotificationChannel): boolean {
  return (kindInfo(kind).channels ?? ["IN_APP", "EMAIL"]).includes(channel);
}

/** Info for a kind this version does not know (a newer writer): in-app only. */
export function kindInfo(kind: string): KindInfo {
  return (
    KIND_INFO[kind as NotificationKind] ?? {
      label: kind,
      description: kind,
      because: "You received this because of a change to a task you are involved in.",
      defaults: { IN_APP: true, EMAIL: false },
    }
  );
}
