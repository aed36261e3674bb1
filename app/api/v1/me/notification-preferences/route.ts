import { defineRoute } from "@/app/api/_lib/define-route";
import { getPreferences, updatePreferences } from "@/lib/notifications/preferences";
import { preferencesDtoSchema, updatePreferencesSchema } from "@/lib/notifications/schemas";

export const GET = defineRoute({
  operationId: "getNotificationPreferences",
  tags: ["people"],
  summary: "Which notifications you receive, per kind and channel (IN_APP, EMAIL), and whether e-mail is available on this server",
  responses: { 200: { schema: preferencesDtoSchema } },
  errors: [403],
  handler: async ({ actor }) => getPreferences(actor),
});

export const PUT = defineRoute({
  operationId: "updateNotificationPreferences",
  tags: ["people"],
  summary: "Change some of your notification preferences (the others stay). Audited user.notification_preferences_updated",
  body: { schema: updatePreferencesSchema },
  responses: { 200: { schema: preferencesDtoSchema } },
  errors: [403],
  handler: async ({ actor, body }) => updatePreferences(actor, body),
});
