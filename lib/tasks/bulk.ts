import { isAppError, parse } from "../errors";
import { requirePermission, type Actor } from "../identity/actor";
import { logger } from "../logger";
import { decideTask } from "./actions";
import { reassignTask } from "./reassign";
import { bulkActionSchema, type BulkResult } from "./schemas";

// Bulk actions: approve or reassign many tasks, each on its own — one failure does not undo the
// others, and every change has its own audit entry.

/** Runs one action per task, in order; each result says what happened to that task. */
export async function bulkAction(actor: Actor, input: unknown): Promise<BulkResult> {
  const data = parse(bulkActionSchema, input, "Bulk action");
  requirePermission(actor, data.action === "approve" ? "tasks:decide" : "tasks:assign");
  const results: BulkResult["data"] = [];
  for (const taskId of new Set(data.taskIds)) {
    try {
      if (data.action === "approve") await decideTask(actor, taskId, { outcome: "approve", ...(data.reason ? { reason: data.reason } : {}) });
      else await reassignTask(actor, taskId, { assignee: data.assignee, candidateGroup: data.candidateGroup, reason: data.reason });
      results.push({ taskId, ok: true });
    } catch (e) {
      if (isAppError(e)) results.push({ taskId, ok: false, code: e.code, detail: e.message });
      else {
        logger.error({ err: e, taskId, requestId: actor.requestId }, "bulk action failed on a task");
        results.push({ taskId, ok: false, code: "INTERNAL", detail: "Unexpected error; this task was not changed." });
      }
    }
  }
  const ok = results.filter((r) => r.ok).length;
  return { data: results, summary: { ok, failed: results.length - ok } };
}
