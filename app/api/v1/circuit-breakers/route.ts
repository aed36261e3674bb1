import { withApi } from "../../_lib/with-api";
import { listCircuitBreakers } from "@/lib/engine/service";

/** The circuit breakers of HTTP steps' target hosts, with their state (shared by every worker). */
export const GET = withApi(async ({ actor }) => listCircuitBreakers(actor), { permission: "processes:manage" });
