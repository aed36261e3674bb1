import { currentRequestId } from "../request-context";
import type { ActorType } from "./schema";
import { sql, type Sql } from "./sql";

// Audit entries are written by the transaction whose change they record (Tx.audit), all of one
// transaction's entries in one INSERT at its commit, in the order they were logged. The sealer
// links them into the hash chain later (lib/audit, docs/decisions/003-audit-hash-chain.md).

/** Who acted, as the audit log records it (lib/identity's Actor has these fields). */
export interface AuditActor {
  type: ActorType;
  id: string | null;
  name: string;
  onBehalfOfId?: string | null;
  requestId?: string;
  ip?: string | null;
  userAgent?: string | null;
}

export interface AuditInput {
  action: string;
  subjectType: string;
  subjectId: string;
  taskId?: string | null;
  instanceId?: string | null;
  /** JSON values: the state before and after the change. */
  before?: unknown;
  after?: unknown;
  reason?: string | null;
}

/**
 * An entry's content as the hash chain covers it, in order: the columns every reader of the log
 * (sealer, verification, export, archive, DTO) works from. The chain's canonical form
 * (lib/audit/chain.ts) spells them out too, and a test holds the two together.
 */
export const AUDIT_CONTENT_FIELDS = [
  "seq",
  "at",
  "actorType",
  "actorId",
  "actorName",
  "onBehalfOfId",
  "action",
  "subjectType",
  "subjectId",
  "taskId",
  "instanceId",
  "before",
  "after",
  "reason",
  "requestId",
  "ip",
  "userAgent",
] as const;

/** The columns the sealer fills, once. */
export const AUDIT_CHAIN_FIELDS = ["chainIndex", "prevHash", "hash"] as const;

const jsonText = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));

/** One INSERT of these entries, in order (each gets its `seq` in this order). */
export function auditInsertSql(entries: readonly { actor: AuditActor; input: AuditInput }[]): Sql {
  const col = <T>(f: (e: { actor: AuditActor; input: AuditInput }) => T) => entries.map(f);
  const fallbackRequestId = currentRequestId() ?? null;
  return sql`
    INSERT INTO "AuditEntry" ("at", "actorType", "actorId", "actorName", "onBehalfOfId", "action", "subjectType", "subjectId",
                              "taskId", "instanceId", "before", "after", "reason", "requestId", "ip", "userAgent")
    SELECT (now() AT TIME ZONE 'UTC'), v.actor_type::"ActorType", v.actor_id, v.actor_name, v.on_behalf_of, v.action, v.subject_type, v.subject_id,
           v.task_id, v.instance_id, v.before::jsonb, v.after::jsonb, v.reason, v.request_id, v.ip, v.user_agent
    FROM unnest(${col((e) => e.actor.type)}::text[], ${col((e) => e.actor.id)}::text[], ${col((e) => e.actor.name)}::text[],
                ${col((e) => e.actor.onBehalfOfId ?? null)}::text[], ${col((e) => e.input.action)}::text[], ${col((e) => e.input.subjectType)}::text[],
                ${col((e) => e.input.subjectId)}::text[], ${col((e) => e.input.taskId ?? null)}::text[], ${col((e) => e.input.instanceId ?? null)}::text[],
                ${col((e) => jsonText(e.input.before))}::text[], ${col((e) => jsonText(e.input.after))}::text[], ${col((e) => e.input.reason ?? null)}::text[],
                ${col((e) => e.actor.requestId ?? fallbackRequestId)}::text[], ${col((e) => e.actor.ip ?? null)}::text[], ${col((e) => e.actor.userAgent ?? null)}::text[])
         WITH ORDINALITY AS v(actor_type, actor_id, actor_name, on_behalf_of, action, subject_type, subject_id, task_id, instance_id, before, after, reason,
                              request_id, ip, user_agent, n)
    ORDER BY v.n`;
}
