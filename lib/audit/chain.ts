import { createHash } from "node:crypto";

// The hash chain over audit entries. Pure functions: the sealer, the verifier and the offline
// export check (scripts/verify-audit-export.mjs re-implements exactly this) must agree.
// hash_n = sha256( prevHash_n + "\n" + chainIndex_n + "\n" + canonicalJSON(content_n) )
export const GENESIS_HASH = "0".repeat(64);

export interface ChainContent {
  seq: bigint | string;
  at: Date | string;
  actorType: string;
  actorId: string | null;
  actorName: string;
  onBehalfOfId: string | null;
  action: string;
  subjectType: string;
  subjectId: string;
  taskId: string | null;
  instanceId: string | null;
  before: unknown;
  after: unknown;
  reason: string | null;
  requestId: string | null;
  ip: string | null;
  userAgent: string | null;
}

/** JSON with object keys sorted at every level, so PostgreSQL's jsonb key order cannot matter. */
function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object") {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj)
      .filter((k) => obj[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(",")}}`;
  }
  if (typeof value === "bigint") return JSON.stringify(value.toString());
  return JSON.stringify(value);
}

function canonicalContent(e: ChainContent): string {
  return canonicalJson({
    seq: String(e.seq),
    at: typeof e.at === "string" ? new Date(e.at).toISOString() : e.at.toISOString(),
    actorType: e.actorType,
    actorId: e.actorId,
    actorName: e.actorName,
    onBehalfOfId: e.onBehalfOfId,
    action: e.action,
    subjectType: e.subjectType,
    subjectId: e.subjectId,
    taskId: e.taskId,
    instanceId: e.instanceId,
    before: e.before ?? null,
    after: e.after ?? null,
    reason: e.reason,
    requestId: e.requestId,
    ip: e.ip,
    userAgent: e.userAgent,
  });
}

export function chainHash(prevHash: string, chainIndex: bigint | string, content: ChainContent): string {
  return createHash("sha256").update(`${prevHash}\n${String(chainIndex)}\n${canonicalContent(content)}`).digest("hex");
}

export type ChainProblem = "gap" | "prev_hash_mismatch" | "hash_mismatch" | "checkpoint_mismatch" | "truncated";

export interface SealedEntry extends ChainContent {
  chainIndex: bigint | string;
  hash: string;
  prevHash: string;
}

/**
 * Checks a run of sealed entries in chain order, starting after (startIndex - 1, startPrevHash).
 * Returns the first problem, or null and the last index/hash for the next batch.
 */
export function verifyRun(
  entries: readonly SealedEntry[],
  start: { expectedIndex: bigint; prevHash: string },
): { problem: null; next: { expectedIndex: bigint; prevHash: string } } | { problem: ChainProblem; at: SealedEntry } {
  let expectedIndex = start.expectedIndex;
  let prevHash = start.prevHash;
  for (const e of entries) {
    const idx = BigInt(e.chainIndex);
    if (idx !== expectedIndex) return { problem: "gap", at: e };
    if (e.prevHash !== prevHash) return { problem: "prev_hash_mismatch", at: e };
    if (chainHash(prevHash, idx, e) !== e.hash) return { problem: "hash_mismatch", at: e };
    prevHash = e.hash;
    expectedIndex = idx + BigInt(1);
  }
  return { problem: null, next: { expectedIndex, prevHash } };
}
