import { z } from "zod";
import { defineRoute } from "@/app/api/_lib/define-route";
import { runAuditVerification } from "@/lib/audit/service";

export const POST = defineRoute({
  operationId: "verifyAuditChain",
  tags: ["audit"],
  summary: "Verify the audit hash chain end to end; reports the first broken entry, if any (auditors and admins)",
  permission: "audit:read",
  responses: { 200: { schema: z.object({ ok: z.boolean() }).catchall(z.unknown()) } },
  handler: async ({ actor }) => runAuditVerification(actor),
});
