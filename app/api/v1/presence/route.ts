import { defineRoute } from "@/app/api/_lib/define-route";
import { viewersOfMany } from "@/lib/tasks";
import { presenceListQuerySchema, presenceMapSchema } from "@/lib/live/presence-schemas";

export const GET = defineRoute({
  operationId: "listViewers",
  tags: ["inbox"],
  summary: "Viewers of many tasks at once (the inbox rows: ?taskIds=a,b,c), only tasks you may see",
  permission: "tasks:read",
  query: presenceListQuerySchema,
  responses: { 200: { schema: presenceMapSchema } },
  handler: async ({ actor, query }) => ({ data: await viewersOfMany(actor, query) }),
});
