import { checkDependencies } from "@/lib/health";
import { json } from "@/lib/http/responses";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  const health = await checkDependencies();
  return json({ status: health.ok ? "ok" : "degraded", ...health }, { status: health.ok ? 200 : 503 });
}
