import { defineRoute } from "@/app/api/_lib/define-route";
import { json } from "@/lib/http/responses";
import { createGroup, listGroups } from "@/lib/people/groups";
import { groupCreateSchema, groupDetailSchema, groupListQuerySchema, groupPageSchema } from "@/lib/people/schemas";

export const GET = defineRoute({
  operationId: "listGroups",
  tags: ["people"],
  summary: "Groups (teams and queues) in name order with supervisor, skills and number of members; `q` searches name and key; cursor paging",
  permission: "users:read",
  query: groupListQuerySchema,
  responses: { 200: { schema: groupPageSchema } },
  handler: async ({ actor, query }) => listGroups(actor, query),
});

export const POST = defineRoute({
  operationId: "createGroup",
  tags: ["people"],
  summary: "Create a group with its supervisor and skills. Audited group.created",
  permission: "users:manage",
  body: { schema: groupCreateSchema },
  responses: { 201: { schema: groupDetailSchema } },
  errors: [409],
  handler: async ({ actor, body }) => json(await createGroup(actor, body), { status: 201 }),
});
