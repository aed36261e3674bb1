import { withApi } from "../../../../_lib/with-api";
import { readJson } from "@/lib/http/responses";
import { retryFailedStep } from "@/lib/engine/service";

/** Retries the failed step of a FAILED instance (audited as step.retried). */
export const POST = withApi<{ id: string }>(async ({ req, actor, params }) => retryFailedStep(actor, params.id, await readJson(req, { optional: true })), {
  permission: "processes:manage",
});
