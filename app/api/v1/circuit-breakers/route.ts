import { defineRoute } from "@/app/api/_lib/define-route";
import { listCircuitBreakers } from "@/lib/engine";
import { circuitBreakerListSchema } from "@/lib/engine/schemas";

export const GET = defineRoute({
  operationId: "listCircuitBreakers",
  tags: ["processes"],
  summary: "Circuit breakers of HTTP steps' target hosts (state shared by every worker), with the step runs queued behind each",
  permission: "processes:manage",
  responses: { 200: { schema: circuitBreakerListSchema } },
  handler: async ({ actor }) => listCircuitBreakers(actor),
});
