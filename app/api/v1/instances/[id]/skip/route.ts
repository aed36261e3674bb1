import { withApi } from "../../../../_lib/with-api";
import { readJson } from "@/lib/http/responses";
import { skipFailedStep } from "@/lib/engine/service";

/** Skips the failed step (reason required) and continues at its next step (audited as step.skipped). */
export const POST = withApi<{ id: string }>(async ({ req, actor, params }) => skipFailedStep(actor, params.id, await readJson(req)), {
  permission: "processes:manage",
});
