import { withApi } from "../../../_lib/with-api";
import { exportAuditLog } from "@/lib/audit/service";
import { AppError } from "@/lib/errors";

/** Streams the filtered audit log as CSV or JSON Lines (`?format=csv|jsonl` plus the search filters). */
export const GET = withApi(
  async ({ req, actor }) => {
    const params = Object.fromEntries(new URL(req.url).searchParams);
    const { format = "csv", ...filters } = params;
    if (format !== "csv" && format !== "jsonl") throw new AppError("VALIDATION_FAILED", "format must be csv or jsonl", { fieldErrors: [{ path: "format", message: "csv or jsonl" }] });
    const lines = exportAuditLog(actor, filters, format);
    // Pull the first chunk before answering, so a bad filter is a 4xx and not a broken stream.
    const first = await lines.next();
    const encoder = new TextEncoder();
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        if (!first.done) controller.enqueue(encoder.encode(first.value));
        if (first.done) controller.close();
      },
      async pull(controller) {
        const next = await lines.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      },
      async cancel() {
        await lines.return(undefined);
      },
    });
    const stamp = new Date().toISOString().replace(/[:.]/g, "-");
    return new Response(stream, {
      headers: {
        "content-type": format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8",
        "content-disposition": `attachment; filename="baton-audit-${stamp}.${format}"`,
        "cache-control": "no-store",
      },
    });
  },
  { permission: "audit:read" },
);
