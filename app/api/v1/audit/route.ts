import { z } from "zod";
import { defineRoute } from "@/app/api/_lib/define-route";
import { searchAuditLog } from "@/lib/audit/service";
import { auditEntryDtoSchema, auditQuerySchema } from "@/lib/audit/schemas";

export const GET = defineRoute({
  operationId: "searchAuditLog",
  tags: ["audit"],
  summary: "Search the audit log, newest first (supervisors: their teams' entries)",
  permission: "audit:read",
  query: auditQuerySchema,
  responses: { 200: { schema: z.object({ data: z.array(auditEntryDtoSchema), nextCursor: z.string().nullable() }) } },
  handler: async ({ actor, query }) => searchAuditLog(actor, query),
});
