import { defineRoute } from "@/app/api/_lib/define-route";
import { undoDecision } from "@/lib/tasks";
import { versionedJson } from "@/lib/http/responses";
import { taskParams, taskResponse } from "@/lib/openapi/components";

export const POST = defineRoute({
  operationId: "undoDecision",
  tags: ["tasks"],
  summary:
    "Undo your own decision made with `hold: true` while its undo window is open (UNDO_WINDOW_SECONDS, default 5): the task is open again as before, audited task.decision_undone. 409 UNDO_WINDOW_CLOSED once the decision has taken effect",
  params: taskParams,
  responses: { 200: taskResponse },
  errors: [403, 404, 409],
  handler: async ({ actor, params }) => versionedJson(await undoDecision(actor, params.id)),
});
