import { defineRoute } from "@/app/api/_lib/define-route";
import { addGroupMembers, listGroupMembers } from "@/lib/people/groups";
import { groupDetailSchema, groupMembersAddSchema, groupMembersPageSchema, groupMembersQuerySchema, groupParamsSchema } from "@/lib/people/schemas";

export const GET = defineRoute({
  operationId: "listGroupMembers",
  tags: ["people"],
  summary: "A group's members in name order; `q` searches name and e-mail; cursor paging",
  permission: "users:read",
  params: groupParamsSchema,
  query: groupMembersQuerySchema,
  responses: { 200: { schema: groupMembersPageSchema } },
  errors: [404],
  handler: async ({ actor, params, query }) => listGroupMembers(actor, params.key, query),
});

export const POST = defineRoute({
  operationId: "addGroupMembers",
  tags: ["people"],
  summary: "Add active people (ids or e-mails) to a group. Audited group.members_added",
  permission: "users:manage",
  params: groupParamsSchema,
  body: { schema: groupMembersAddSchema },
  responses: { 200: { schema: groupDetailSchema } },
  errors: [404, 409],
  handler: async ({ actor, params, body }) => addGroupMembers(actor, params.key, body),
});
