import { z } from "zod";
import { ERROR_STATUS } from "../errors";
import { auditEntryDtoSchema } from "../audit/schemas";
import { commentDtoSchema } from "../comments/schemas";
import { meSchema, tokenDtoSchema } from "../identity/schemas";
import { liveEventSchema } from "../live/events";
import { notificationDtoSchema } from "../notifications/schemas";
import { taskDtoSchema, taskPageSchema } from "../tasks/schemas";

// What several API operations share: path parameters, the problem body, named schemas, and the
// task-with-ETag response. Route declarations import them; lib/openapi/document.ts assembles.

const id = (description: string) => z.string().meta({ description });

export const taskParams = z.object({ id: id("Task id") });
export const instanceParams = z.object({ id: id("Instance id") });
export const processParams = z.object({ key: id("The process key") });
export const tableParams = z.object({ key: id("The table's key: its DMN decision id") });
export const modelParams = z.object({ key: id("The decision model's key (made from its name at the first upload, or chosen with ?key=)") });
export const webhookParams = z.object({ id: id("Webhook endpoint id") });

/** A task after a read or a change, with its version as the ETag (send it back as If-Match). */
export const taskResponse = {
  description: "The task",
  schema: taskDtoSchema,
  headers: z.object({ etag: id("The task's version") }),
};

export const problemSchema = z
  .object({
    type: z.string().meta({ example: "https://baton.dev/problems/task-already-decided" }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.enum(Object.keys(ERROR_STATUS) as [keyof typeof ERROR_STATUS, ...(keyof typeof ERROR_STATUS)[]]),
    instance: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional().meta({ description: "Field errors (422)" }),
  })
  .catchall(z.unknown())
  .meta({ description: "RFC 9457 problem details with a stable code; some codes add fields (currentStatus, decidedBy, assignee…)." });

/** Named in components.schemas: the document refers to them wherever an operation uses them. */
export const namedSchemas = {
  Problem: problemSchema,
  Task: taskDtoSchema,
  TaskPage: taskPageSchema,
  Comment: commentDtoSchema,
  AuditEntry: auditEntryDtoSchema,
  Notification: notificationDtoSchema,
  Token: tokenDtoSchema,
  Me: meSchema,
  LiveEvent: liveEventSchema,
};
