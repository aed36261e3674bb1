import { sql, query } from "../db";
import { AppError } from "../errors";
import { principalId, type Actor } from "../identity/actor";
import { scopeOf } from "../identity/scope";
import { canView } from "../tasks";

// Who may see a request's (process instance's) files: whoever may read the instance itself
// (operators and dashboard readers, as GET /instances/:id), the person who started it, and anyone
// who can see one of its tasks — the people deciding the case need its source document.

interface InstanceRef {
  id: string;
  startedById: string | null;
}

export async function loadVisibleInstance(actor: Actor, instanceId: string): Promise<InstanceRef> {
  const [instance] = await query<InstanceRef>(sql`SELECT "id", "startedById" FROM "ProcessInstance" WHERE "id" = ${instanceId}`);
  if (!instance || !(await instanceVisibleTo(actor, instance))) throw new AppError("NOT_FOUND", "Request not found.");
  return instance;
}

async function instanceVisibleTo(actor: Actor, instance: InstanceRef): Promise<boolean> {
  if (actor.permissions.has("processes:manage") || actor.permissions.has("metrics:read")) return true;
  const me = principalId(actor);
  if (me && instance.startedById === me) return true;
  const [tasks, scope] = await Promise.all([
    query<Parameters<typeof canView>[2]>(
      sql`SELECT "assigneeId", "requestedById", "decidedById", "infoRequestedOfId", "participantIds", "createdByActor", "candidateGroupId"
          FROM "Task" WHERE "instanceId" = ${instance.id} LIMIT 200`,
    ),
    scopeOf(actor),
  ]);
  return tasks.some((t) => canView(actor, scope, t));
}
