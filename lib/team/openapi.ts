import { z } from "zod";
import type { ZodOpenApiPathsObject, ZodOpenApiResponseObject } from "zod-openapi";
import { clearOutOfOfficeSchema, outOfOfficeDtoSchema, outOfOfficeSchema, teamQuerySchema, teamViewSchema } from "./schemas";
import { preferencesDtoSchema, updatePreferencesSchema } from "../notifications/schemas";
import {
  createWebhookSchema,
  deliveryDtoSchema,
  deliveryPageSchema,
  deliveryQuerySchema,
  updateWebhookSchema,
  webhookDtoSchema,
  webhookListSchema,
  webhookWithSecretSchema,
} from "../webhooks/schemas";

// The supervisor console, notification preferences and webhook routes in the OpenAPI document
// (lib/openapi/document.ts spreads these in).

type Problems = (...statuses: number[]) => Record<string, ZodOpenApiResponseObject>;

const json = (schema: z.ZodType) => ({ content: { "application/json": { schema } } });
const ok = (schema: z.ZodType, description = "OK", status = "200") => ({ [status]: { description, ...json(schema) } });
const memberParam = z.object({ id: z.string().meta({ description: "The member's user id" }) });
const webhookParam = z.object({ id: z.string().meta({ description: "Webhook endpoint id" }) });

export function teamAndNotificationPaths(problems: Problems): ZodOpenApiPathsObject {
  return {
    "/api/v1/team": {
      get: {
        tags: ["team"],
        summary: "Supervisor console: each member's open, overdue and due-today tasks and load, and the unassigned group queues (supervisors: the teams they lead; admins: every team, or ?supervisor=)",
        requestParams: { query: teamQuerySchema },
        responses: { ...ok(teamViewSchema), ...problems(401, 403, 422) },
      },
    },
    "/api/v1/team/members/{id}/out-of-office": {
      put: {
        tags: ["team"],
        summary: "Set a member's out-of-office window and delegate (routing skips them; their direct work goes to the delegate). Audited user.out_of_office_set",
        requestParams: { path: memberParam },
        requestBody: { ...json(outOfOfficeSchema), required: true },
        responses: { ...ok(outOfOfficeDtoSchema), ...problems(401, 403, 404, 415, 422) },
      },
      delete: {
        tags: ["team"],
        summary: "End a member's out-of-office window now (the delegate is kept). Audited user.out_of_office_cleared",
        requestParams: { path: memberParam },
        requestBody: { ...json(clearOutOfOfficeSchema), required: false },
        responses: { ...ok(outOfOfficeDtoSchema), ...problems(401, 403, 404, 409, 422) },
      },
    },
    "/api/v1/me/notification-preferences": {
      get: {
        tags: ["people"],
        summary: "Which notifications you receive, per kind and channel (IN_APP, EMAIL), and whether e-mail is available on this server",
        responses: { ...ok(preferencesDtoSchema), ...problems(401, 403) },
      },
      put: {
        tags: ["people"],
        summary: "Change some of your notification preferences (the others stay). Audited user.notification_preferences_updated",
        requestBody: { ...json(updatePreferencesSchema), required: true },
        responses: { ...ok(preferencesDtoSchema), ...problems(401, 403, 415, 422) },
      },
    },
    "/api/v1/webhooks": {
      get: { tags: ["webhooks"], summary: "Outgoing webhook endpoints with delivery counts", responses: { ...ok(webhookListSchema), ...problems(401, 403) } },
      post: {
        tags: ["webhooks"],
        summary: "Add an endpoint. The response carries its Standard Webhooks signing secret (whsec_…), shown once",
        requestBody: { ...json(createWebhookSchema), required: true },
        responses: { ...ok(webhookWithSecretSchema, "Created", "201"), ...problems(401, 403, 415, 422) },
      },
    },
    "/api/v1/webhooks/{id}": {
      get: { tags: ["webhooks"], summary: "One endpoint", requestParams: { path: webhookParam }, responses: { ...ok(webhookDtoSchema), ...problems(401, 403, 404) } },
      patch: {
        tags: ["webhooks"],
        summary: "Change URL, description, event types or active; `rotateSecret: true` returns a new secret once",
        requestParams: { path: webhookParam },
        requestBody: { ...json(updateWebhookSchema), required: true },
        responses: { ...ok(z.union([webhookWithSecretSchema, webhookDtoSchema])), ...problems(401, 403, 404, 415, 422) },
      },
      delete: {
        tags: ["webhooks"],
        summary: "Delete an endpoint and its delivery log",
        requestParams: { path: webhookParam },
        responses: { ...ok(z.object({ deleted: z.literal(true) })), ...problems(401, 403, 404) },
      },
    },
    "/api/v1/webhooks/{id}/deliveries": {
      get: {
        tags: ["webhooks"],
        summary: "Delivery log, newest first: status, attempts (time, HTTP status, error, duration) and the signed payload",
        requestParams: { path: webhookParam, query: deliveryQuerySchema },
        responses: { ...ok(deliveryPageSchema), ...problems(401, 403, 404, 422) },
      },
    },
    "/api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver": {
      post: {
        tags: ["webhooks"],
        summary: "Send a FAILED delivery again: same webhook-id and payload, a fresh signature and attempts (409 unless it failed). Audited webhook.redelivered",
        requestParams: { path: webhookParam.extend({ deliveryId: z.string().meta({ description: "Delivery id" }) }) },
        responses: { ...ok(deliveryDtoSchema, "Queued", "202"), ...problems(401, 403, 404, 409) },
      },
    },
    "/api/v1/webhooks/{id}/test": {
      post: {
        tags: ["webhooks"],
        summary: "Queue a signed webhook.test event for the endpoint",
        requestParams: { path: webhookParam },
        responses: { ...ok(deliveryDtoSchema, "Queued", "202"), ...problems(401, 403, 404) },
      },
    },
  };
}
