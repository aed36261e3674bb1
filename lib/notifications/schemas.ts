import { z } from "zod";
import { channelOffered, notificationChannelSchema, notificationKindSchema } from "./kinds";

export const notificationDtoSchema = z.object({
  id: z.string(),
  kind: z.string(),
  title: z.string(),
  body: z.string().nullable(),
  taskId: z.string().nullable(),
  readAt: z.string().nullable(),
  createdAt: z.string(),
});
export type NotificationDto = z.infer<typeof notificationDtoSchema>;

export const markReadSchema = z.union([
  z.object({ ids: z.array(z.string().min(1)).min(1).max(200) }).strict(),
  z.object({ all: z.literal(true) }).strict(),
]);

// ── Preferences ────────────────────────────────────────────────────────────────────────────────

const preferenceSchema = z
  .object({ kind: notificationKindSchema, channel: notificationChannelSchema, enabled: z.boolean() })
  .strict()
  .refine((p) => channelOffered(p.kind, p.channel), { message: "This kind is not offered on this channel (the daily digest is e-mail only)", path: ["channel"] });

/** PUT /api/v1/me/notification-preferences: the choices to change (others stay as they are). */
export const updatePreferencesSchema = z
  .object({ preferences: z.array(preferenceSchema).min(1, "Choose at least one preference").max(50) })
  .strict();

export const preferencesDtoSchema = z.object({
  email: z.object({
    /** False when the server has no SMTP_URL: nobody gets e-mail, whatever they choose. */
    available: z.boolean(),
    address: z.string(),
  }),
  kinds: z.array(
    z.object({
      kind: notificationKindSchema,
      label: z.string(),
      description: z.string(),
      channels: z.object({ IN_APP: z.boolean(), EMAIL: z.boolean() }),
      /** The channels that may be chosen for this kind (the daily digest: e-mail only). */
      offered: z.object({ IN_APP: z.boolean(), EMAIL: z.boolean() }),
    }),
  ),
});
export type PreferencesDto = z.infer<typeof preferencesDtoSchema>;
