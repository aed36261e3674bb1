import { z } from "zod";
import { defineRoute } from "@/app/api/_lib/define-route";
import { exportAuditLog } from "@/lib/audit/service";
import { publishedAuditKeys } from "@/lib/audit/keys";
import { auditQuerySchema } from "@/lib/audit/schemas";
import { AppError } from "@/lib/errors";
import { streamText } from "@/lib/http/responses";

const FORMATS = ["csv", "jsonl"] as const;

export const GET = defineRoute({
  operationId: "exportAuditLog",
  tags: ["audit"],
  summary: "Streamed export of the filtered audit log as CSV or JSON Lines, with chain hashes",
  permission: "audit:read",
  query: auditQuerySchema.omit({ cursor: true, limit: true }).extend({ format: z.enum(FORMATS).default("csv") }),
  stream: true,
  responses: { 200: { description: "CSV or JSON Lines", content: { "text/csv": z.string(), "application/x-ndjson": z.string() } } },
  handler: async ({ actor, query }) => {
    const { format = "csv", ...filters } = query;
    if (format !== "csv" && format !== "jsonl") throw new AppError("VALIDATION_FAILED", "format must be csv or jsonl", { fieldErrors: [{ path: "format", message: "csv or jsonl" }] });
    const stamp = new Date().toISOString().replace(/[:.]/g, "-");
    return streamText(exportAuditLog(actor, filters, format), {
      "content-type": format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8",
      "content-disposition": `attachment; filename="baton-audit-${stamp}.${format}"`,
      "cache-control": "no-store",
      // The key the record's checkpoints are signed with (ADR 026), also at GET /api/v1/audit/public-key.
      ...auditKeyHeaders(),
    });
  },
});

function auditKeyHeaders(): Record<string, string> {
  const keys = publishedAuditKeys();
  const current = keys.keys.find((k) => k.keyId === keys.current);
  return current ? { "baton-audit-key-id": current.keyId, "baton-audit-public-key": current.publicKey } : {};
}
