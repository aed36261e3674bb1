import { createHash } from "node:crypto";
import { env } from "@/lib/env";

// A stand-in ERP for the demo, so the seeded invoice process runs offline (DEMO_ERP_URL points
// elsewhere to use a real one). It answers like the ERP would and keeps nothing: a posting's id
// is derived from the Idempotency-Key, so a retried call returns the same posting.

function reply(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json; charset=utf-8" } });
}

export async function POST(req: Request, ctx: { params: Promise<{ action: string }> }): Promise<Response> {
  // Only the demo has a stand-in ERP (security review L6).
  if (!env().DEMO_MODE) return reply({ error: "not found" }, 404);
  const { action } = await ctx.params;
  let body: Record<string, unknown> = {};
  try {
    const parsed = (await req.json()) as unknown;
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
  } catch {
    return reply({ error: "send a JSON object" }, 400);
  }
  const key = req.headers.get("idempotency-key") ?? "";
  switch (action) {
    case "po-match": {
      const po = typeof body.poNumber === "string" ? body.poNumber : null;
      return reply({ matched: Boolean(po), poNumber: po, checkedAt: new Date().toISOString() });
    }
    case "postings": {
      const id = `ERP-${createHash("sha256").update(key || JSON.stringify(body)).digest("hex").slice(0, 10).toUpperCase()}`;
      return reply({ postingId: id, status: "posted" }, 201);
    }
    case "vendor-sync":
      // Down on purpose: the seeded vendor sync fails visibly and can be retried from the UI.
      return new Response(JSON.stringify({ error: "ERP maintenance window" }), { status: 503, headers: { "content-type": "application/json", "retry-after": "1" } });
    default:
      return reply({ error: `unknown ERP action "${action}"` }, 404);
  }
}
