import { Prisma } from "../db";
import { PgTx, rows, write, type AnyTx } from "../sql-tx";
import type { Actor } from "../identity/actor";
import type { AuditQuery } from "./schemas";
import { currentRequestId } from "../request-context";

export interface AuditInput {
  action: string;
  subjectType: string;
  subjectId: string;
  taskId?: string | null;
  instanceId?: string | null;
  before?: Prisma.InputJsonValue | null;
  after?: Prisma.InputJsonValue | null;
  reason?: string | null;
}

/**
 * Appends one entry inside the caller's transaction, so the entry commits with the change.
 * Plain SQL: this runs in every mutating transaction, and the ORM's per-query overhead would be
 * most of its cost (see npm run bench:audit).
 */
export async function insertAuditEntry(tx: AnyTx, actor: Actor, input: AuditInput): Promise<{ seq: bigint }> {
  const inserted = await rows<{ seq: bigint }>(tx, Prisma.sql`INSERT INTO "AuditEntry" ${AUDIT_COLUMNS} ${auditEntrySelect(actor, input)} RETURNING "seq"`);
  return { seq: BigInt(inserted[0]!.seq) };
}

/**
 * Appends an entry as part of the caller's transaction. In a PgTx the entries are collected and
 * written right before COMMIT, one INSERT per run of entries by the same actor (in order), so a
 * transition that logs three things costs one statement; in a Prisma transaction, at once.
 */
export async function auditInTx(tx: AnyTx, actor: Actor, input: AuditInput): Promise<void> {
  if (!(tx instanceof PgTx)) {
    await insertAuditEntry(tx, actor, input);
    return;
  }
  let buffer = tx.buffers.get("audit") as { actor: Actor; input: AuditInput }[] | undefined;
  if (!buffer) {
    const entries: { actor: Actor; input: AuditInput }[] = [];
    buffer = entries;
    tx.buffers.set("audit", entries);
    tx.beforeCommit(async () => {
      for (let i = 0; i < entries.length; ) {
        let j = i + 1;
        while (j < entries.length && entries[j]!.actor === entries[i]!.actor) j++;
        await insertAuditEntries(tx, entries[i]!.actor, entries.slice(i, j).map((e) => e.input));
        i = j;
      }
    });
  }
  buffer.push({ actor, input });
}

export const AUDIT_COLUMNS = Prisma.sql`("actorType", "actorId", "actorName", "onBehalfOfId", "action", "subjectType", "subjectId",
  "taskId", "instanceId", "before", "after", "reason", "requestId", "ip", "userAgent")`;

/**
 * `SELECT <the entry's values>`, for `INSERT INTO "AuditEntry" ${AUDIT_COLUMNS} ${select} [FROM …]`:
 * lets a single-statement state change (a data-modifying CTE) write its entry in the same statement.
 */
export function auditEntrySelect(actor: Actor, input: AuditInput): Prisma.Sql {
  const json = (v: Prisma.InputJsonValue | null | undefined) => (v === undefined || v === null ? null : JSON.stringify(v));
  return Prisma.sql`SELECT ${actor.type}::"ActorType", ${actor.id}, ${actor.name}, ${actor.onBehalfOfId ?? null}, ${input.action}, ${input.subjectType},
            ${input.subjectId}, ${input.taskId ?? null}, ${input.instanceId ?? null}, ${json(input.before)}::jsonb, ${json(input.after)}::jsonb,
            ${input.reason ?? null}, ${actor.requestId ?? currentRequestId() ?? null}, ${actor.ip ?? null}, ${actor.userAgent ?? null}`;
}

/**
 * Appends many entries by one actor in one statement (the escalation batch writes hundreds per
 * transaction). Same columns and semantics as insertAuditEntry; entries keep the array's order.
 */
export async function insertAuditEntries(tx: AnyTx, actor: Actor, inputs: AuditInput[]): Promise<void> {
  if (inputs.length === 0) return;
  const json = (v: Prisma.InputJsonValue | null | undefined) => (v === undefined || v === null ? null : JSON.stringify(v));
  const col = <T>(f: (i: AuditInput) => T) => inputs.map(f);
  // Nothing read back: in a batched transaction (lib/sql-tx.ts) the INSERT may wait for the commit.
  await write(
    tx,
    Prisma.sql`
    INSERT INTO "AuditEntry" ("actorType", "actorId", "actorName", "onBehalfOfId", "action", "subjectType", "subjectId",
                              "taskId", "instanceId", "before", "after", "reason", "requestId", "ip", "userAgent")
    SELECT ${actor.type}::"ActorType", ${actor.id}, ${actor.name}, ${actor.onBehalfOfId ?? null}, v.action, v.subject_type, v.subject_id,
           v.task_id, v.instance_id, v.before::jsonb, v.after::jsonb, v.reason, ${actor.requestId ?? currentRequestId() ?? null}, ${actor.ip ?? null}, ${actor.userAgent ?? null}
    FROM unnest(${col((i) => i.action)}::text[], ${col((i) => i.subjectType)}::text[], ${col((i) => i.subjectId)}::text[],
                ${col((i) => i.taskId ?? null)}::text[], ${col((i) => i.instanceId ?? null)}::text[], ${col((i) => json(i.before))}::text[],
                ${col((i) => json(i.after))}::text[], ${col((i) => i.reason ?? null)}::text[])
         WITH ORDINALITY AS v(action, subject_type, subject_id, task_id, instance_id, before, after, reason, n)
    ORDER BY v.n`,
  );
}

export function auditWhere(q: AuditQuery): Prisma.AuditEntryWhereInput {
  const and: Prisma.AuditEntryWhereInput[] = [];
  if (q.actor) and.push({ OR: [{ actorId: q.actor }, { actorName: { contains: q.actor, mode: "insensitive" } }] });
  if (q.action) and.push({ action: q.action.endsWith("*") ? { startsWith: q.action.slice(0, -1) } : q.action });
  if (q.subjectType) and.push({ subjectType: q.subjectType });
  if (q.subjectId) and.push({ subjectId: q.subjectId });
  if (q.taskId) and.push({ taskId: q.taskId });
  if (q.instanceId) and.push({ instanceId: q.instanceId });
  if (q.from) and.push({ at: { gte: new Date(q.from) } });
  if (q.to) and.push({ at: { lt: new Date(q.to) } });
  if (q.q)
    and.push({
      OR: [
        { reason: { contains: q.q, mode: "insensitive" } },
        { actorName: { contains: q.q, mode: "insensitive" } },
        { subjectId: { contains: q.q } },
        { action: { contains: q.q } },
      ],
    });
  if (q.cursor) and.push({ seq: { lt: BigInt(q.cursor) } });
  return and.length ? { AND: and } : {};
}
