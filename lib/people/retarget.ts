import { json, sql, type Tx } from "../db";
import type { Actor } from "../identity/actor";
import { parsePlan } from "../sla/plan";
import { allowedFrom } from "../tasks/state-machine";

// Escalation levels still to fire that name a person as the backup ("reassign to X"): when X
// leaves, they name X's successor instead (the colleague chosen, else X's manager). Levels that
// follow the reporting line ("supervisor", "assignee_manager"…) are resolved when they fire and
// need nothing here.

const PENDING = allowedFrom("escalate");

export async function retargetEscalations(
  tx: Tx,
  actor: Actor,
  leaving: { id: string; email: string; name: string },
  successor: { id: string; name: string } | null,
): Promise<{ taskId: string; levels: number[] }[]> {
  if (!successor) return [];
  const refs = [leaving.id, leaving.email.toLowerCase()];
  const rows = await tx.query<{ id: string; instanceId: string | null; escalationPolicy: unknown; escalationLevel: number }>(sql`
    SELECT "id", "instanceId", "escalationPolicy", "escalationLevel" FROM "Task"
     WHERE "status" = ANY(${PENDING}::"TaskStatus"[]) AND "nextEscalationAt" IS NOT NULL
       AND EXISTS (SELECT 1 FROM jsonb_array_elements("escalationPolicy"->'levels') l
                    WHERE l->>'action' = 'reassign' AND lower(l->>'to') = ANY(${refs}::text[]))
     FOR UPDATE`);
  const changed: { taskId: string; levels: number[] }[] = [];
  for (const r of rows) {
    const plan = parsePlan(r.escalationPolicy);
    if (!plan) continue;
    const levels: number[] = [];
    const next = plan.levels.map((l, i) => {
      if (i < r.escalationLevel || l.action !== "reassign" || !refs.includes(l.to.toLowerCase())) return l;
      levels.push(i + 1);
      return { ...l, to: successor.id };
    });
    if (levels.length === 0) continue;
    await tx.query(sql`UPDATE "Task" SET "escalationPolicy" = ${json({ ...plan, levels: next })} WHERE "id" = ${r.id}`);
    tx.audit(actor, {
      action: "task.escalation_retargeted",
      subjectType: "task",
      subjectId: r.id,
      taskId: r.id,
      instanceId: r.instanceId,
      before: { levels, backup: { id: leaving.id, name: leaving.name } },
      after: { levels, backup: successor },
      reason: `${leaving.name} was deactivated`,
    });
    changed.push({ taskId: r.id, levels });
  }
  return changed;
}
