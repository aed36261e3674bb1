import { defineRoute } from "@/app/api/_lib/define-route";
import { getGroup, updateGroup } from "@/lib/people/groups";
import { groupDetailSchema, groupParamsSchema, groupPatchSchema } from "@/lib/people/schemas";

export const GET = defineRoute({
  operationId: "getGroup",
  tags: ["people"],
  summary: "One group: name, description, supervisor, skills, number of members, archived or not",
  permission: "users:read",
  params: groupParamsSchema,
  responses: { 200: { schema: groupDetailSchema } },
  errors: [404],
  handler: async ({ actor, params }) => getGroup(actor, params.key),
});

export const PATCH = defineRoute({
  operationId: "updateGroup",
  tags: ["people"],
  summary: "Rename a group, or change its description, supervisor or skills. Audited group.updated with before/after",
  permission: "users:manage",
  params: groupParamsSchema,
  body: { schema: groupPatchSchema },
  responses: { 200: { schema: groupDetailSchema } },
  errors: [404, 409],
  handler: async ({ actor, params, body }) => updateGroup(actor, params.key, body),
});
