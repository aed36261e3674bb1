import { z } from "zod";
import type { ZodOpenApiPathsObject, ZodOpenApiResponseObject } from "zod-openapi";
import { processDetailDtoSchema, processSummaryDtoSchema, processVersionDtoSchema, uploadDefinitionSchema } from "../processes/schemas";
import { cancelInstanceSchema, circuitBreakerListSchema, instanceDtoSchema, instanceListQuerySchema, instancePageSchema, retryStepSchema, skipStepSchema, startInstanceSchema } from "./schemas";
import { processDetailQuerySchema } from "../processes/schemas";
import { eventAnswerSchema, eventReceiptDtoSchema } from "../events/schemas";

// The process, instance and event routes in the OpenAPI document (lib/openapi/document.ts spreads these in).

type Problems = (...statuses: number[]) => Record<string, ZodOpenApiResponseObject>;

const json = (schema: z.ZodType) => ({ content: { "application/json": { schema } } });
const ok = (schema: z.ZodType, description = "OK", status = "200") => ({ [status]: { description, ...json(schema) } });
const keyParam = z.object({ key: z.string().meta({ description: "The process key" }) });
const idParam = z.object({ id: z.string().meta({ description: "Instance id" }) });
const idempotencyKey = z.object({ "idempotency-key": z.string().max(200).optional().meta({ description: "Replays the first response for the same key" }) });


export function processPaths(problems: Problems): ZodOpenApiPathsObject {
  return {
    "/api/v1/processes": {
      get: { tags: ["processes"], summary: "Process definitions with versions and instance counts", responses: { ...ok(z.object({ data: z.array(processSummaryDtoSchema) })), ...problems(401, 403) } },
      post: {
        tags: ["processes"],
        summary: "Publish a definition as the key's next version (YAML as application/yaml, or JSON)",
        requestBody: {
          required: true,
          content: {
            "application/json": { schema: z.union([uploadDefinitionSchema, z.record(z.string(), z.unknown())]) },
            "application/yaml": { schema: z.string().meta({ description: "The definition as YAML" }) },
          },
        },
        responses: { ...ok(processVersionDtoSchema, "Published", "201"), ...problems(400, 401, 403, 413, 415, 422) },
      },
    },
    "/api/v1/processes/{key}": {
      get: { tags: ["processes"], summary: "A process: versions and the newest document (or ?version=N's)", requestParams: { path: keyParam, query: processDetailQuerySchema }, responses: { ...ok(processDetailDtoSchema), ...problems(401, 403, 404) } },
    },
    "/api/v1/processes/{key}/versions/{n}/deprecate": {
      post: {
        tags: ["processes"],
        summary: "Deprecate a version: no new instances start on it",
        requestParams: { path: keyParam.extend({ n: z.string().meta({ description: "Version number" }) }) },
        responses: { ...ok(processVersionDtoSchema), ...problems(401, 403, 404, 409) },
      },
    },
    "/api/v1/processes/{key}/instances": {
      post: {
        tags: ["processes"],
        summary: "Start an instance on the newest active version",
        requestParams: { path: keyParam, header: idempotencyKey },
        requestBody: { ...json(startInstanceSchema), required: false },
        responses: { ...ok(instanceDtoSchema, "Started", "201"), ...problems(401, 403, 404, 409, 415, 422) },
      },
    },
    "/api/v1/instances": {
      get: { tags: ["processes"], summary: "Process instances, newest first", requestParams: { query: instanceListQuerySchema }, responses: { ...ok(instancePageSchema), ...problems(401, 403, 422) } },
    },
    "/api/v1/instances/{id}": {
      get: { tags: ["processes"], summary: "An instance: variables, step runs and tasks", requestParams: { path: idParam }, responses: { ...ok(instanceDtoSchema), ...problems(401, 403, 404) } },
    },
    "/api/v1/instances/{id}/retry": {
      post: {
        tags: ["processes"],
        summary: "Retry the failed step (of a failed instance, or a failed branch while the others go on); audited",
        requestParams: { path: idParam },
        requestBody: { ...json(retryStepSchema), required: false },
        responses: { ...ok(instanceDtoSchema), ...problems(401, 403, 404, 409) },
      },
    },
    "/api/v1/circuit-breakers": {
      get: {
        tags: ["processes"],
        summary: "Circuit breakers of HTTP steps' target hosts (state shared by every worker), with the step runs queued behind each",
        responses: { ...ok(circuitBreakerListSchema), ...problems(401, 403) },
      },
    },
    "/api/v1/instances/{id}/skip": {
      post: {
        tags: ["processes"],
        summary: "Skip the failed step and continue at its next step (a skipped compensation moves to the next one); reason required, audited",
        requestParams: { path: idParam },
        requestBody: { ...json(skipStepSchema), required: true },
        responses: { ...ok(instanceDtoSchema), ...problems(401, 403, 404, 409, 422) },
      },
    },
    "/api/v1/instances/{id}/cancel": {
      post: {
        tags: ["processes"],
        summary: "Cancel the instance: pending steps stop, open tasks are cancelled; reason required, audited",
        requestParams: { path: idParam },
        requestBody: { ...json(cancelInstanceSchema), required: true },
        responses: { ...ok(instanceDtoSchema), ...problems(401, 403, 404, 409, 422) },
      },
    },
    "/api/v1/events": {
      post: {
        tags: ["events"],
        summary: "Receive a CloudEvent 1.0 (structured or binary HTTP mode); idempotent on (source, id)",
        requestBody: {
          required: true,
          content: {
            "application/cloudevents+json": { schema: z.object({ specversion: z.literal("1.0"), id: z.string(), source: z.string(), type: z.string(), subject: z.string().optional(), data: z.unknown().optional() }).catchall(z.unknown()) },
            "application/json": { schema: z.unknown().meta({ description: "Binary mode: the event data; attributes in ce-* headers" }) },
          },
        },
        requestParams: {
          header: z.object({
            prefer: z.string().optional().meta({
              description:
                "`respond-async`: answer 202 as soon as the event is recorded (outcome \"accepted\", Location of its receipt) and let the worker start or correlate it — for high-rate producers. Without it the answer carries the outcome.",
            }),
          }),
        },
        responses: { ...ok(eventAnswerSchema, "Accepted (Preference-Applied: respond-async when it was asked for)", "202"), ...problems(400, 401, 403, 413, 415) },
      },
    },
    "/api/v1/events/{id}": {
      get: {
        tags: ["events"],
        summary: "An event's receipt: accepted or processed, and what processing did",
        requestParams: { path: z.object({ id: z.string().meta({ description: "The receiptId of the answer to POST /api/v1/events" }) }) },
        responses: { ...ok(eventReceiptDtoSchema), ...problems(401, 403, 404) },
      },
    },
  };
}
