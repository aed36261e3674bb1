import { defineRoute } from "@/app/api/_lib/define-route";
import { searchAuditLog } from "@/lib/audit/service";
import { auditPageSchema, auditQuerySchema } from "@/lib/audit/schemas";

export const GET = defineRoute({
  operationId: "searchAuditLog",
  tags: ["audit"],
  summary: "Search the audit log, newest first (supervisors: their teams' entries)",
  permission: "audit:read",
  query: auditQuerySchema,
  responses: { 200: { schema: auditPageSchema } },
  handler: async ({ actor, query }) => searchAuditLog(actor, query),
});
