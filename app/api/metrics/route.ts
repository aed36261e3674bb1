import { withApi } from "../_lib/with-api";
import { renderMetrics } from "@/lib/metrics/collect";

export const dynamic = "force-dynamic";

/** Prometheus scrape endpoint (text format). Needs a token with metrics:read (e.g. an ADMIN token). */
export const GET = withApi(
  async () => {
    const { contentType, body } = await renderMetrics();
    return new Response(body, { headers: { "content-type": contentType, "cache-control": "no-store" } });
  },
  { permission: "metrics:read" },
);
