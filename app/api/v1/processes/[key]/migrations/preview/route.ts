import { defineRoute } from "@/app/api/_lib/define-route";
import { previewMigration } from "@/lib/engine";
import { migrationPreviewInputSchema, migrationPreviewSchema } from "@/lib/engine/migration-schemas";
import { processParams } from "@/lib/openapi/components";

export const POST = defineRoute({
  operationId: "previewMigration",
  tags: ["processes"],
  summary: "Preview moving in-flight instances to a newer version: which can move, which cannot and why. Changes nothing",
  permission: "processes:manage",
  params: processParams,
  body: { schema: migrationPreviewInputSchema },
  responses: { 200: { description: "The assessment per instance", schema: migrationPreviewSchema } },
  errors: [404],
  handler: async ({ actor, params, body }) => previewMigration(actor, params.key, body),
});
