import { z } from "zod";
import { defineRoute } from "@/app/api/_lib/define-route";
import { listPeople } from "@/lib/identity/people";
import { peopleListSchema } from "@/lib/identity/schemas";

export const GET = defineRoute({
  operationId: "listPeople",
  tags: ["people"],
  summary: "Active people to ask or mention (`?q=` filters by name or e-mail)",
  permission: "users:read",
  query: z.object({ q: z.string().max(100).optional() }),
  responses: { 200: { schema: peopleListSchema } },
  handler: async ({ actor, query }) => listPeople(actor, { q: query.q }),
});
