import { defineRoute } from "@/app/api/_lib/define-route";
import { listGroups } from "@/lib/people/groups";
import { groupListSchema } from "@/lib/people/schemas";

export const GET = defineRoute({
  operationId: "listGroups",
  tags: ["people"],
  summary: "Every group (team or queue) with its supervisor and number of members",
  permission: "users:read",
  responses: { 200: { schema: groupListSchema } },
  handler: async ({ actor }) => listGroups(actor),
});
