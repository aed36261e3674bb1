import { defineRoute } from "@/app/api/_lib/define-route";
import { listUsers } from "@/lib/people/service";
import { userListQuerySchema, userListSchema } from "@/lib/people/schemas";

export const GET = defineRoute({
  operationId: "listUsers",
  tags: ["people"],
  summary:
    "People by name (`?q=` name or e-mail; filters role, group, skill; cursor pagination). Everyone sees active people; `status=inactive|all` needs users:manage",
  permission: "users:read",
  query: userListQuerySchema,
  responses: { 200: { schema: userListSchema } },
  handler: async ({ actor, query }) => listUsers(actor, query),
});
