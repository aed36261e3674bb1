import { defineRoute } from "@/app/api/_lib/define-route";
import { orgChart } from "@/lib/people/org-chart";
import { orgChartPageSchema, orgChartQuerySchema } from "@/lib/people/schemas";

export const GET = defineRoute({
  operationId: "getOrgChart",
  tags: ["people"],
  summary:
    "The reporting lines one level at a time: a manager's direct reports (`manager`), else the people at the top; each with open load and number of reports. `q` searches anyone, with their chain of managers",
  permission: "users:read",
  query: orgChartQuerySchema,
  responses: { 200: { schema: orgChartPageSchema } },
  handler: async ({ actor, query }) => orgChart(actor, query),
});
