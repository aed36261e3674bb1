import { z } from "zod";
import { defineRoute } from "@/app/api/_lib/define-route";
import { confirmEmailAction, previewEmailAction } from "@/lib/email-actions/service";
import { confirmEmailActionSchema, emailActionPreviewSchema } from "@/lib/email-actions/schemas";
import { versionedJson } from "@/lib/http/responses";
import { taskResponse } from "@/lib/openapi/components";

// Deciding from the e-mail (ADR 047): the confirmation page reads the link here, and only the POST decides.
const params = z.object({ token: z.string().meta({ description: "The signed token of a decision link from a task e-mail" }) });

export const GET = defineRoute({
  operationId: "previewEmailAction",
  tags: ["tasks"],
  summary:
    "What an e-mail action link proposes (approve, reject or one of the task's custom outcomes), until when, and the task as the signed-in person may act on it. Reads only: a GET never decides. 404 EMAIL_LINK_INVALID, 403 EMAIL_LINK_WRONG_PERSON, 409 EMAIL_LINK_USED, 410 EMAIL_LINK_EXPIRED",
  params,
  responses: { 200: { schema: emailActionPreviewSchema } },
  // People only, signed in: an API token is refused (403).
  errors: [403, 404, 409, 410],
  handler: async ({ actor, params }) => previewEmailAction(actor, params.token),
});

export const POST = defineRoute({
  operationId: "confirmEmailAction",
  tags: ["tasks"],
  summary:
    "Confirm an e-mail action link: the task is decided as from the inbox (same checks; reject needs a reason, an outcome with a decision form needs its values in `form`), the link is spent in the same transaction and the audit entry records channel email",
  params,
  body: { schema: confirmEmailActionSchema },
  responses: { 200: taskResponse },
  errors: [403, 404, 409, 410, 412],
  handler: async ({ actor, params, body }) => versionedJson(await confirmEmailAction(actor, params.token, body)),
});
