import { defineRoute } from "@/app/api/_lib/define-route";
import { archiveGroup, restoreGroup } from "@/lib/people/groups";
import { groupArchiveSchema, groupDetailSchema, groupParamsSchema } from "@/lib/people/schemas";

export const POST = defineRoute({
  operationId: "archiveGroup",
  tags: ["people"],
  summary: "Archive a group: it takes no new work and leaves the pickers (refused while open tasks wait in it). Audited group.archived",
  permission: "users:manage",
  params: groupParamsSchema,
  body: { schema: groupArchiveSchema, required: false },
  responses: { 200: { schema: groupDetailSchema } },
  errors: [404, 409],
  handler: async ({ actor, params, body }) => archiveGroup(actor, params.key, body),
});

export const DELETE = defineRoute({
  operationId: "restoreGroup",
  tags: ["people"],
  summary: "Restore an archived group. Audited group.restored",
  permission: "users:manage",
  params: groupParamsSchema,
  responses: { 200: { schema: groupDetailSchema } },
  errors: [404, 409],
  handler: async ({ actor, params }) => restoreGroup(actor, params.key),
});
