import { STALE_MS, presenceListQuerySchema, type Viewer } from "../live/presence-schemas";
import { db } from "../db";
import { redis, redisKey } from "../redis";
import { AppError } from "../errors";
import { requirePermission, seesEverything, type Actor } from "../identity/actor";
import { scopeOf } from "../identity/scope";
import { canView, loadForAction } from "./access";
import { publishLive, taskAudience } from "../live/publish";

// Presence (inbox-ux.md §4): who else has a task open right now — a warning against working on
// the same thing twice, never a lock. Ephemeral by nature, so it lives only in Redis: one sorted
// set per task, member "<userId>|<name>", score = the viewer's last heartbeat. The browser beats
// every HEARTBEAT_MS while the task is open; a viewer whose beat is older than STALE_MS is gone.
// A live event goes out when the set of viewers changes (someone arrives or leaves), not on every
// beat, and browsers show it as text, never in a live region.

export { HEARTBEAT_MS, STALE_MS } from "../live/presence-schemas";

const key = (taskId: string) => redisKey("presence", "task", taskId);

function parseMember(member: string, score: string): Viewer {
  const bar = member.indexOf("|");
  return { id: member.slice(0, bar), name: member.slice(bar + 1), since: new Date(Number(score)).toISOString() };
}

/** Fresh viewers of a task, oldest beat first (with the stale ones swept out). */
async function freshViewers(taskId: string, now: number): Promise<{ viewers: Viewer[]; swept: number }> {
  const r = redis();
  const [[, swept], [, raw]] = (await r
    .multi()
    .zremrangebyscore(key(taskId), "-inf", String(now - STALE_MS))
    .zrangebyscore(key(taskId), String(now - STALE_MS), "+inf", "WITHSCORES")
    .exec()) as [[null, number], [null, string[]]];
  const viewers: Viewer[] = [];
  for (let i = 0; i < raw.length; i += 2) viewers.push(parseMember(raw[i]!, raw[i + 1]!));
  return { viewers, swept };
}

function person(actor: Actor): { id: string; member: string } {
  if (actor.type !== "USER" || !actor.id) throw new AppError("FORBIDDEN", "Presence is for people viewing a task in the browser.");
  return { id: actor.id, member: `${actor.id}|${actor.name.replace(/\|/g, "/")}` };
}

async function announce(taskId: string): Promise<void> {
  const task = await db().task.findUnique({
    where: { id: taskId },
    select: { id: true, version: true, assigneeId: true, requestedById: true, decidedById: true, candidateGroupId: true, infoRequestedOfId: true, participantIds: true },
  });
  if (task) publishLive({ event: { type: "task.presence", taskId, version: null }, audience: taskAudience(task) });
}

/** "I am looking at this task": records the beat; returns the others looking at it. */
export async function heartbeat(actor: Actor, taskId: string): Promise<Viewer[]> {
  requirePermission(actor, "tasks:read");
  const me = person(actor);
  await loadForAction(actor, taskId);
  const now = Date.now();
  const r = redis();
  const [[, added]] = (await r.multi().zadd(key(taskId), String(now), me.member).pexpire(key(taskId), STALE_MS * 2).exec()) as [[null, number], unknown];
  const { viewers, swept } = await freshViewers(taskId, now);
  if (added === 1 || swept > 0) await announce(taskId);
  return viewers.filter((v) => v.id !== me.id);
}

/** "I closed it": the others see me gone at once instead of after STALE_MS. */
export async function leave(actor: Actor, taskId: string): Promise<void> {
  const me = person(actor);
  const removed = await redis().zrem(key(taskId), me.member);
  if (removed > 0) await announce(taskId);
}

/** Who else is looking at a task the actor may see. */
export async function viewersOf(actor: Actor, taskId: string): Promise<Viewer[]> {
  requirePermission(actor, "tasks:read");
  await loadForAction(actor, taskId);
  const { viewers } = await freshViewers(taskId, Date.now());
  return viewers.filter((v) => v.id !== actor.id);
}

/** Viewers of many tasks at once (the inbox rows), limited to the tasks the actor may see. */
export async function viewersOfMany(actor: Actor, rawQuery: unknown): Promise<Record<string, Viewer[]>> {
  requirePermission(actor, "tasks:read");
  const parsed = presenceListQuerySchema.safeParse(rawQuery);
  if (!parsed.success) throw new AppError("VALIDATION_FAILED", "taskIds: a comma list of up to 100 task ids", { fieldErrors: [{ path: "taskIds", message: "required" }] });
  const ids = parsed.data.taskIds;
  if (ids.length === 0) return {};
  let visible = ids;
  if (!seesEverything(actor)) {
    const [scope, rows] = await Promise.all([
      scopeOf(actor),
      db().task.findMany({
        where: { id: { in: ids } },
        select: { id: true, assigneeId: true, requestedById: true, decidedById: true, infoRequestedOfId: true, participantIds: true, createdByActor: true, candidateGroupId: true },
      }),
    ]);
    visible = rows.filter((t) => canView(actor, scope, t as Parameters<typeof canView>[2])).map((t) => t.id);
  }
  const now = Date.now();
  // One command a task, sent together (not a pipeline: on a Redis Cluster the tasks' keys are in
  // different slots, and one pipeline must stay within one).
  const r = redis();
  const results = await Promise.all(visible.map((id) => r.zrangebyscore(key(id), String(now - STALE_MS), "+inf", "WITHSCORES")));
  const out: Record<string, Viewer[]> = {};
  visible.forEach((id, i) => {
    const raw = results[i] ?? [];
    const viewers: Viewer[] = [];
    for (let j = 0; j < raw.length; j += 2) viewers.push(parseMember(raw[j]!, raw[j + 1]!));
    const others = viewers.filter((v) => v.id !== actor.id);
    if (others.length) out[id] = others;
  });
  return out;
}
