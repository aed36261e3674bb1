import { z } from "zod";
import type { ZodOpenApiPathsObject, ZodOpenApiResponseObject } from "zod-openapi";
import { migrateInstancesInputSchema, migrationPreviewInputSchema, migrationPreviewSchema, migrationResultSchema } from "./migration-schemas";

// The instance-migration routes in the OpenAPI document (lib/openapi/document.ts spreads these in).

type Problems = (...statuses: number[]) => Record<string, ZodOpenApiResponseObject>;
const json = (schema: z.ZodType) => ({ content: { "application/json": { schema } } });
const keyParam = z.object({ key: z.string().meta({ description: "The process key" }) });

export function migrationPaths(problems: Problems): ZodOpenApiPathsObject {
  return {
    "/api/v1/processes/{key}/migrations/preview": {
      post: {
        tags: ["processes"],
        summary: "Preview moving in-flight instances to a newer version: which can move, which cannot and why. Changes nothing",
        requestParams: { path: keyParam },
        requestBody: { ...json(migrationPreviewInputSchema), required: true },
        responses: { "200": { description: "The assessment per instance", ...json(migrationPreviewSchema) }, ...problems(401, 403, 404, 409, 415, 422) },
      },
    },
    "/api/v1/processes/{key}/migrations": {
      post: {
        tags: ["processes"],
        summary: "Move the picked instances (with the versions the preview showed) to a newer version; each is re-checked, moved and audited on its own",
        requestParams: { path: keyParam },
        requestBody: { ...json(migrateInstancesInputSchema), required: true },
        responses: { "200": { description: "What happened per instance", ...json(migrationResultSchema) }, ...problems(401, 403, 404, 409, 415, 422) },
      },
    },
  };
}
