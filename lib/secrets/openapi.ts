import { z } from "zod";
import type { ZodOpenApiPathsObject, ZodOpenApiResponseObject } from "zod-openapi";
import { createSecretSchema, rotateSecretSchema, secretDtoSchema, secretListSchema } from "./schemas";

// The named-secret routes in the OpenAPI document (lib/openapi/document.ts spreads these in).

type Problems = (...statuses: number[]) => Record<string, ZodOpenApiResponseObject>;
const json = (schema: z.ZodType) => ({ content: { "application/json": { schema } } });
const ok = (schema: z.ZodType, description = "OK", status = "200") => ({ [status]: { description, ...json(schema) } });
const nameParam = z.object({ name: z.string().meta({ description: "The secret's name" }) });

export function secretPaths(problems: Problems): ZodOpenApiPathsObject {
  return {
    "/api/v1/secrets": {
      get: { tags: ["secrets"], summary: "Named secrets: names and metadata, never values", responses: { ...ok(secretListSchema), ...problems(401, 403) } },
      post: {
        tags: ["secrets"],
        summary: "Create a named secret (encrypted at rest; the value is never returned)",
        requestBody: { ...json(createSecretSchema), required: true },
        responses: { ...ok(secretDtoSchema, "Created", "201"), ...problems(401, 403, 409, 415, 422, 503) },
      },
    },
    "/api/v1/secrets/{name}": {
      put: {
        tags: ["secrets"],
        summary: "Rotate a secret: a new value; HTTP steps use it from their next call",
        requestParams: { path: nameParam },
        requestBody: { ...json(rotateSecretSchema), required: true },
        responses: { ...ok(secretDtoSchema), ...problems(401, 403, 404, 409, 415, 422, 503) },
      },
      delete: {
        tags: ["secrets"],
        summary: "Delete a secret no active process version uses (409 naming them otherwise)",
        requestParams: { path: nameParam },
        responses: { ...ok(z.object({ name: z.string(), deleted: z.literal(true) })), ...problems(401, 403, 404, 409) },
      },
    },
  };
}
