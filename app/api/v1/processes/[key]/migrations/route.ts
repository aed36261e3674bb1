import { defineRoute } from "@/app/api/_lib/define-route";
import { migrateInstances } from "@/lib/engine";
import { migrateInstancesInputSchema, migrationResultSchema } from "@/lib/engine/migration-schemas";
import { processParams } from "@/lib/openapi/components";

export const POST = defineRoute({
  operationId: "migrateInstances",
  tags: ["processes"],
  summary:
    "Move the picked instances (with the versions the preview showed) to a newer version; each is re-checked, moved and audited on its own, and one changed since the preview is refused",
  permission: "processes:manage",
  params: processParams,
  body: { schema: migrateInstancesInputSchema },
  responses: { 200: { description: "What happened per instance", schema: migrationResultSchema } },
  errors: [404],
  handler: async ({ actor, params, body }) => migrateInstances(actor, params.key, body),
});
