import { z } from "zod";
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from "zod-openapi";
import { ERROR_STATUS } from "../errors";
import {
  answerInfoSchema,
  bulkActionSchema,
  bulkResultSchema,
  cancelTaskSchema,
  reassignTaskSchema,
  claimTaskSchema,
  createTaskSchema,
  decideTaskSchema,
  requestInfoSchema,
  taskDtoSchema,
  taskListQuerySchema,
  taskPageSchema,
} from "../tasks/schemas";
import { commentDtoSchema, commentListSchema, createCommentSchema, peopleListSchema } from "../comments/schemas";
import { auditEntryDtoSchema, auditQuerySchema } from "../audit/schemas";
import { createTokenSchema, createdTokenSchema, meSchema, tokenDtoSchema, updateUserSettingsSchema, userSettingsSchema } from "../identity/schemas";
import { markReadSchema, notificationDtoSchema } from "../notifications/schemas";
import { liveEventSchema } from "../live/events";
import { presenceListQuerySchema, presenceMapSchema, presenceSchema } from "../live/presence-schemas";
import { decisionTablePaths } from "../rules/openapi";
import { processPaths } from "../engine/openapi";
import { secretPaths } from "../secrets/openapi";
import { teamAndNotificationPaths } from "../team/openapi";
import { observabilityPaths } from "../kpi/openapi";
import { migrationPaths } from "../engine/migration-openapi";
import { slaPaths } from "../sla/openapi";
import { savedFilterDtoSchema, savedFilterInputSchema, savedFilterListSchema } from "../saved-filters/schemas";

// The OpenAPI 3.1 description of /api/v1, generated from the same zod schemas the handlers,
// forms and DTOs use. Served at GET /api/v1/openapi.json.

const problemSchema = z
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

const idParam = z.object({ id: z.string().meta({ description: "Task id" }) });
const ifMatch = z.object({ "if-match": z.string().optional().meta({ description: 'The task version you saw, e.g. "3" (412 if it changed)' }) });
const idempotencyKey = z.object({ "idempotency-key": z.string().max(200).optional().meta({ description: "Replays the first response for the same key" }) });

const PROBLEM = { "application/problem+json": { schema: problemSchema } };
const problems = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [String(s), { description: DESCRIPTIONS[s] ?? "Error", content: PROBLEM }]));
const DESCRIPTIONS: Record<number, string> = {
  400: "Malformed request",
  401: "Not signed in, or the token is invalid",
  403: "Not allowed (role, ownership or separation of duties)",
  404: "Not found, or not visible to you",
  409: "Conflict: already decided, claimed by someone else, or not actionable in this state",
  412: "The task changed since the version you sent",
  415: "The body must be application/json",
  422: "Validation failed (see errors)",
};
const ok = (schema: z.ZodType, description = "OK", status = "200") => ({
  [status]: { description, content: { "application/json": { schema } } },
});
const taskOk = {
  "200": {
    description: "The task after the change",
    headers: z.object({ etag: z.string().meta({ description: "The task's version" }) }),
    content: { "application/json": { schema: taskDtoSchema } },
  },
};
const json = (schema: z.ZodType) => ({ content: { "application/json": { schema } } });

function op(o: ZodOpenApiOperationObject): ZodOpenApiOperationObject {
  return o;
}

const taskCommand = (summary: string, body: z.ZodType | null, extra: Partial<ZodOpenApiOperationObject> = {}) =>
  op({
    tags: ["tasks"],
    summary,
    requestParams: { path: idParam, header: ifMatch },
    ...(body ? { requestBody: { ...json(body), required: !body.safeParse({}).success } } : {}),
    responses: { ...taskOk, ...problems(401, 403, 404, 409, 412, 422) },
    ...extra,
  });

export const API_PATHS = {
  "/api/v1/tasks": {
    get: op({ tags: ["tasks"], summary: "List tasks (cursor pagination)", requestParams: { query: taskListQuerySchema }, responses: { ...ok(taskPageSchema), ...problems(401, 422) } }),
    post: op({
      tags: ["tasks"],
      summary: "Create a task",
      requestParams: { header: idempotencyKey },
      requestBody: { ...json(createTaskSchema), required: true },
      responses: { ...ok(taskDtoSchema, "Created", "201"), ...problems(401, 403, 409, 415, 422) },
    }),
  },
  "/api/v1/tasks/{id}": {
    get: op({ tags: ["tasks"], summary: "One task; ETag is its version", requestParams: { path: idParam }, responses: { ...taskOk, ...problems(401, 404) } }),
  },
  "/api/v1/tasks/{id}/claim": { post: taskCommand("Claim a group task", claimTaskSchema) },
  "/api/v1/tasks/{id}/unclaim": { post: taskCommand("Release a claimed task to its queue", claimTaskSchema) },
  "/api/v1/tasks/{id}/decision": {
    post: taskCommand(
      "Decide: approve, reject (reason required) or a custom outcome the task declares, with its form values. Four-eyes tasks record each approval (409 DUPLICATE_APPROVAL for a second one by the same person) and are decided at the Nth",
      decideTaskSchema,
    ),
  },
  "/api/v1/tasks/{id}/undo": {
    post: op({
      tags: ["tasks"],
      summary:
        "Undo your own decision made with `hold: true` while its undo window is open (UNDO_WINDOW_SECONDS, default 5): the task is open again as before, audited task.decision_undone. 409 UNDO_WINDOW_CLOSED once the decision has taken effect",
      requestParams: { path: idParam },
      responses: { ...taskOk, ...problems(401, 403, 404, 409) },
    }),
  },
  "/api/v1/tasks/{id}/presence": {
    get: op({ tags: ["inbox"], summary: "Who else is viewing the task now (heartbeat within 30 s); you are left out", requestParams: { path: idParam }, responses: { ...ok(presenceSchema), ...problems(401, 403, 404) } }),
    post: op({
      tags: ["inbox"],
      summary: "Heartbeat: you are viewing the task (send every 10 s while it is open); returns the others viewing it. Arrivals and departures go out on the stream as task.presence",
      requestParams: { path: idParam },
      responses: { ...ok(presenceSchema), ...problems(401, 403, 404) },
    }),
    delete: op({ tags: ["inbox"], summary: "You closed the task: others see you gone at once", requestParams: { path: idParam }, responses: { "204": { description: "Gone" }, ...problems(401, 403) } }),
  },
  "/api/v1/presence": {
    get: op({ tags: ["inbox"], summary: "Viewers of many tasks at once (the inbox rows), only tasks you may see", requestParams: { query: presenceListQuerySchema }, responses: { ...ok(presenceMapSchema), ...problems(401, 403, 422) } }),
  },
  "/api/v1/tasks/{id}/reassign": {
    post: taskCommand("Reassign to a person or a group queue, with a reason (tasks:assign; supervisors for their teams only)", reassignTaskSchema),
  },
  "/api/v1/tasks/bulk": {
    post: op({
      tags: ["tasks"],
      summary: "Approve or reassign many tasks; each is changed and audited on its own, and the result says per task what happened",
      requestBody: { ...json(bulkActionSchema), required: true },
      responses: { ...ok(bulkResultSchema), ...problems(401, 403, 415, 422) },
    }),
  },
  "/api/v1/saved-filters": {
    get: op({ tags: ["inbox"], summary: "Your saved inbox filters", responses: { ...ok(savedFilterListSchema), ...problems(401, 403) } }),
    post: op({
      tags: ["inbox"],
      summary: "Save (or replace by name) an inbox filter",
      requestBody: { ...json(savedFilterInputSchema), required: true },
      responses: { ...ok(savedFilterDtoSchema, "Saved", "201"), ...problems(401, 403, 409, 415, 422) },
    }),
  },
  "/api/v1/saved-filters/{id}": {
    delete: op({
      tags: ["inbox"],
      summary: "Delete one of your saved filters",
      requestParams: { path: z.object({ id: z.string() }) },
      responses: { "204": { description: "Deleted" }, ...problems(401, 403, 404) },
    }),
  },
  "/api/v1/tasks/{id}/cancel": { post: taskCommand("Cancel an open task", cancelTaskSchema) },
  "/api/v1/tasks/{id}/request-info": {
    post: taskCommand("Request more information: ask the requester (or askTo) a question; the task waits in INFO_REQUESTED", requestInfoSchema),
  },
  "/api/v1/tasks/{id}/answer": {
    post: taskCommand("Answer the open question (the person asked, an admin or a token); the task returns to OPEN", answerInfoSchema),
  },
  "/api/v1/tasks/{id}/comments": {
    get: op({ tags: ["tasks"], summary: "The task's comments, questions and answers, oldest first", requestParams: { path: idParam }, responses: { ...ok(commentListSchema), ...problems(401, 404) } }),
    post: op({
      tags: ["tasks"],
      summary: "Comment on a task; @e-mail mentions notify those people",
      requestParams: { path: idParam },
      requestBody: { ...json(createCommentSchema), required: true },
      responses: { ...ok(commentDtoSchema, "Created", "201"), ...problems(401, 403, 404, 415, 422) },
    }),
  },
  "/api/v1/tasks/{id}/history": {
    get: op({
      tags: ["tasks"],
      summary: "The task's audit entries, oldest first",
      requestParams: { path: idParam },
      responses: { ...ok(z.object({ data: z.array(auditEntryDtoSchema) })), ...problems(401, 404) },
    }),
  },
  "/api/v1/audit": {
    get: op({
      tags: ["audit"],
      summary: "Search the audit log",
      requestParams: { query: auditQuerySchema },
      responses: { ...ok(z.object({ data: z.array(auditEntryDtoSchema), nextCursor: z.string().nullable() })), ...problems(401, 403, 422) },
    }),
  },
  "/api/v1/audit/export": {
    get: op({
      tags: ["audit"],
      summary: "Streamed export of the filtered audit log, with chain hashes",
      requestParams: { query: auditQuerySchema.omit({ cursor: true, limit: true }).extend({ format: z.enum(["csv", "jsonl"]).default("csv") }) },
      responses: {
        "200": { description: "CSV or JSON Lines", content: { "text/csv": { schema: z.string() }, "application/x-ndjson": { schema: z.string() } } },
        ...problems(401, 403, 422),
      },
    }),
  },
  "/api/v1/audit/verify": {
    post: op({
      tags: ["audit"],
      summary: "Verify the audit hash chain; reports the first broken entry",
      responses: { ...ok(z.object({ ok: z.boolean() }).catchall(z.unknown())), ...problems(401, 403) },
    }),
  },
  "/api/v1/tokens": {
    get: op({ tags: ["tokens"], summary: "List API tokens", responses: { ...ok(z.object({ data: z.array(tokenDtoSchema) })), ...problems(401, 403) } }),
    post: op({
      tags: ["tokens"],
      summary: "Create an API token (the secret is shown once)",
      requestBody: { ...json(createTokenSchema), required: true },
      responses: { ...ok(createdTokenSchema, "Created", "201"), ...problems(401, 403, 422) },
    }),
  },
  "/api/v1/tokens/{id}": {
    delete: op({
      tags: ["tokens"],
      summary: "Revoke an API token",
      requestParams: { path: z.object({ id: z.string().meta({ description: "Token id" }) }) },
      responses: { ...ok(tokenDtoSchema), ...problems(401, 403, 404, 409) },
    }),
  },
  "/api/v1/me": { get: op({ tags: ["people"], summary: "Your profile, groups and inbox counts", responses: { ...ok(meSchema), ...problems(401, 403) } }) },
  "/api/v1/me/settings": {
    get: op({ tags: ["people"], summary: "Your preferences: single-letter shortcuts on/off, time zone", responses: { ...ok(userSettingsSchema), ...problems(401, 403) } }),
    patch: op({
      tags: ["people"],
      summary: "Change your preferences (any subset); the time zone must be an IANA name such as Europe/Berlin",
      requestBody: { ...json(updateUserSettingsSchema), required: true },
      responses: { ...ok(userSettingsSchema), ...problems(401, 403, 415, 422) },
    }),
  },
  "/api/v1/users": {
    get: op({
      tags: ["people"],
      summary: "Active people to ask or mention",
      requestParams: { query: z.object({ q: z.string().max(100).optional() }) },
      responses: { ...ok(peopleListSchema), ...problems(401, 403) },
    }),
  },
  "/api/v1/notifications": {
    get: op({
      tags: ["people"],
      summary: "Your latest in-app notifications",
      responses: { ...ok(z.object({ data: z.array(notificationDtoSchema), unread: z.number().int() })), ...problems(401, 403) },
    }),
  },
  "/api/v1/notifications/read": {
    post: op({
      tags: ["people"],
      summary: "Mark notifications read (ids, or all)",
      requestBody: { ...json(markReadSchema), required: true },
      responses: { ...ok(z.object({ updated: z.number().int() })), ...problems(401, 403, 422) },
    }),
  },
  "/api/v1/stream": {
    get: op({
      tags: ["live"],
      summary: "Server-Sent Events: `event: task` frames whose data is a LiveEvent, for the tasks you may see; heartbeat comments every 20 s",
      responses: {
        "200": { description: "text/event-stream", content: { "text/event-stream": { schema: z.string().meta({ description: "data: LiveEvent JSON" }) } } },
        ...problems(401, 403),
      },
    }),
  },
  ...decisionTablePaths(problems),
  ...processPaths(problems),
  ...secretPaths(problems),
  ...teamAndNotificationPaths(problems),
  ...observabilityPaths(problems),
  ...migrationPaths(problems),
  ...slaPaths(problems),
  "/api/v1/openapi.json": {
    get: op({ tags: ["meta"], summary: "This document", security: [], responses: { "200": { description: "OpenAPI 3.1 document" } } }),
  },
} satisfies ZodOpenApiPathsObject;

/** Every operation an API token calls can answer 429 (per-token rate limit, lib/http/rate-limit.ts). */
const rateLimited = {
  description: "Too many requests from this API token: wait Retry-After seconds",
  headers: z.object({
    "retry-after": z.string().meta({ description: "Seconds until the token may call again" }),
    "ratelimit-limit": z.string().meta({ description: "Requests a minute this token may make" }),
    "ratelimit-remaining": z.string(),
    "ratelimit-reset": z.string().meta({ description: "Seconds until the window resets" }),
  }),
  content: PROBLEM,
};
function withRateLimit(paths: ZodOpenApiPathsObject): ZodOpenApiPathsObject {
  const out: ZodOpenApiPathsObject = {};
  for (const [path, item] of Object.entries(paths)) {
    const copy: Record<string, unknown> = { ...item };
    for (const m of ["get", "post", "put", "patch", "delete"] as const) {
      const o = item?.[m];
      if (o && (o.security === undefined || o.security.length > 0)) copy[m] = { ...o, responses: { ...o.responses, "429": rateLimited } };
    }
    out[path] = copy as ZodOpenApiPathsObject[string];
  }
  return out;
}

let cached: ReturnType<typeof createDocument> | undefined;

export function openApiDocument() {
  cached ??= createDocument(
    {
      openapi: "3.1.0",
      info: {
        title: "Baton API",
        version: "1",
        description:
          "Human-in-the-loop process orchestration: tasks, decisions, information requests, comments and the audit log. " +
          "Errors are RFC 9457 problem+json with a stable `code`. Optimistic concurrency: the task version is the ETag; send it as If-Match.",
      },
      servers: [{ url: "/" }],
      security: [{ bearerAuth: [] }, { sessionCookie: [] }],
      paths: withRateLimit(API_PATHS),
      components: {
        securitySchemes: {
          bearerAuth: { type: "http", scheme: "bearer", description: "API token (bat_…), created by an admin" },
          sessionCookie: { type: "apiKey", in: "cookie", name: "authjs.session-token", description: "Browser session" },
        },
        schemas: {
          Problem: problemSchema,
          Task: taskDtoSchema,
          TaskPage: taskPageSchema,
          Comment: commentDtoSchema,
          AuditEntry: auditEntryDtoSchema,
          Notification: notificationDtoSchema,
          Token: tokenDtoSchema,
          Me: meSchema,
          LiveEvent: liveEventSchema,
        },
      },
    },
    { allowEmptySchema: { unknown: true, any: true } },
  );
  return cached;
}
