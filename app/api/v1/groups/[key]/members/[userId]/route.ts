import { defineRoute } from "@/app/api/_lib/define-route";
import { removeGroupMember } from "@/lib/people/groups";
import { groupDetailSchema, groupMemberParamsSchema } from "@/lib/people/schemas";

export const DELETE = defineRoute({
  operationId: "removeGroupMember",
  tags: ["people"],
  summary: "Remove a person from a group (the work they hold stays with them). Audited group.member_removed",
  permission: "users:manage",
  params: groupMemberParamsSchema,
  responses: { 200: { schema: groupDetailSchema } },
  errors: [404],
  handler: async ({ actor, params }) => removeGroupMember(actor, params.key, params.userId),
});
