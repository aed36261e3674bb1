import { defineRoute } from "@/app/api/_lib/define-route";
import { getTeamView } from "@/lib/team/service";
import { teamQuerySchema, teamViewSchema } from "@/lib/team/schemas";

export const GET = defineRoute({
  operationId: "getTeamView",
  tags: ["team"],
  summary:
    "Supervisor console: each member's open, overdue and due-today tasks and load, and the unassigned group queues (supervisors: the teams they lead; admins: every team, or ?supervisor=)",
  permission: "team:manage",
  query: teamQuerySchema,
  responses: { 200: { schema: teamViewSchema } },
  handler: async ({ actor, query }) => getTeamView(actor, query),
});
