import { defineRoute } from "@/app/api/_lib/define-route";
import { separationOfDutiesReport } from "@/lib/audit/separation-of-duties";
import { sodQuerySchema, sodReportSchema } from "@/lib/audit/schemas";

export const GET = defineRoute({
  operationId: "separationOfDutiesReport",
  tags: ["audit"],
  summary: "Separation of duties: who approved their own request or decided two steps of one case, in a period, with what was scanned (auditors and admins)",
  permission: "audit:read",
  query: sodQuerySchema,
  responses: { 200: { schema: sodReportSchema } },
  handler: async ({ actor, query }) => separationOfDutiesReport(actor, query),
});
