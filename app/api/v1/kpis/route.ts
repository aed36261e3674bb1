import { defineRoute } from "@/app/api/_lib/define-route";
import { kpiDashboard } from "@/lib/kpi/service";
import { kpiDashboardSchema, kpiQuerySchema } from "@/lib/kpi/schemas";

export const GET = defineRoute({
  operationId: "getKpis",
  tags: ["observability"],
  summary: "Process KPIs over a period (from the daily rollups): totals, per process, version and step, daily series, decisions",
  permission: "metrics:read",
  query: kpiQuerySchema,
  responses: { 200: { schema: kpiDashboardSchema } },
  handler: async ({ actor, query }) => kpiDashboard(actor, query),
});
