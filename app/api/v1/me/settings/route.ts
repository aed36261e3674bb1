import { defineRoute } from "@/app/api/_lib/define-route";
import { getMySettings, updateMySettings } from "@/lib/identity/service";
import { updateUserSettingsSchema, userSettingsSchema } from "@/lib/identity/schemas";

export const GET = defineRoute({
  operationId: "getMySettings",
  tags: ["people"],
  summary: "Your preferences: single-letter shortcuts on/off, time zone",
  responses: { 200: { schema: userSettingsSchema } },
  errors: [403],
  handler: async ({ actor }) => getMySettings(actor),
});

export const PATCH = defineRoute({
  operationId: "updateMySettings",
  tags: ["people"],
  summary: "Change your preferences (any subset); the time zone must be an IANA name such as Europe/Berlin",
  body: { schema: updateUserSettingsSchema },
  responses: { 200: { schema: userSettingsSchema } },
  errors: [403],
  handler: async ({ actor, body }) => updateMySettings(actor, body),
});
