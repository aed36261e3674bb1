import { AUDIT_CONTENT_FIELDS, db, raw, sql, transaction } from "../db";
import { logger } from "../logger";
import { chainHash, GENESIS_HASH, verifyRun, type ChainContent, type ChainProblem } from "./chain";

// Writers never wait for the chain: an entry gets its sequence number in the writing
// transaction, and this sealer (one at a time, behind an advisory lock) links committed entries
// into the chain in the order it sees them. See docs/decisions/003-audit-hash-chain.md.
const SEALER_LOCK_KEY = 424242001;
const CHECKPOINT_EVERY = BigInt(1000);

/** The content fields as an ORM select. */
const contentSelect = Object.fromEntries(AUDIT_CONTENT_FIELDS.map((f) => [f, true])) as { [K in (typeof AUDIT_CONTENT_FIELDS)[number]]: true };

// The content columns chainHash covers, as the pool returns them (the types verification reads).
const CONTENT_COLUMNS = AUDIT_CONTENT_FIELDS.map((c) => (c === "actorType" ? `"actorType"::text AS "actorType"` : `"${c}"`)).join(", ");

/**
 * Seals up to `limit` committed, unsealed entries. Returns how many it sealed (0 if another sealer
 * runs).
 */
async function sealAuditChain(limit = 2000): Promise<number> {
  return transaction(async (tx) => {
    const [lock] = await tx.query<{ locked: boolean }>(sql`SELECT pg_try_advisory_xact_lock(${SEALER_LOCK_KEY}::bigint) AS locked`);
    if (!lock?.locked) return 0;
    // "chainIndex IS NULL" is answered by the chainIndex index (PostgreSQL indexes NULLs), so
    // finding the few unsealed rows does not scan the whole log.
    const pending = await tx.query<ChainContent & { seq: bigint }>(
      sql`SELECT ${raw(CONTENT_COLUMNS)} FROM "AuditEntry" WHERE "chainIndex" IS NULL ORDER BY "seq" LIMIT ${limit}`,
    );
    if (pending.length === 0) return 0;
    const [head] = await tx.query<{ chainIndex: bigint; hash: string }>(
      sql`SELECT "chainIndex", "hash" FROM "AuditEntry" WHERE "chainIndex" IS NOT NULL ORDER BY "chainIndex" DESC LIMIT 1`,
    );
    let index = head?.chainIndex ?? BigInt(0);
    let prev = head?.hash ?? GENESIS_HASH;
    const seqs: string[] = [];
    const indexes: string[] = [];
    const hashes: string[] = [];
    const prevs: string[] = [];
    for (const e of pending) {
      index += BigInt(1);
      const hash = chainHash(prev, index, e);
      seqs.push(e.seq.toString());
      indexes.push(index.toString());
      hashes.push(hash);
      prevs.push(prev);
      prev = hash;
    }
    // Joined on the primary key only. A filter on the entry's own columns ("hash" IS NULL) let the
    // planner, with statistics from before a burst of new entries, put the whole table on the
    // outside of a nested loop and unnest the arrays again for each of its rows (minutes for a
    // batch of 5,000, seen in tests/audit-chain.int.test.ts). The rows are this transaction's
    // pending ones, under the sealer's lock; one sealed meanwhile makes the trigger refuse.
    await tx.query(sql`
      UPDATE "AuditEntry" AS a
         SET "chainIndex" = v.ci, "hash" = v.h, "prevHash" = v.p
        FROM unnest(${seqs}::text[]::bigint[], ${indexes}::text[]::bigint[], ${hashes}::text[], ${prevs}::text[]) AS v(seq, ci, h, p)
       WHERE a.seq = v.seq`);
    const [lastCheckpoint] = await tx.query<{ chainIndex: bigint }>(sql`SELECT "chainIndex" FROM "AuditCheckpoint" ORDER BY "chainIndex" DESC LIMIT 1`);
    if (!lastCheckpoint || index - lastCheckpoint.chainIndex >= CHECKPOINT_EVERY) {
      await tx.query(
        sql`INSERT INTO "AuditCheckpoint" ("chainIndex", "hash", "createdAt") VALUES (${index.toString()}::bigint, ${prev}, (now() AT TIME ZONE 'UTC'))`,
      );
    }
    return pending.length;
  });
}

/** Seals until nothing is left (used by the worker sweep and before a verification). */
export async function sealAll(batch = 2000): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await sealAuditChain(batch);
    total += n;
    if (n < batch) return total;
  }
}

export interface VerifyReport {
  ok: boolean;
  checked: number;
  headIndex: string | null;
  headHash: string | null;
  /** Entries up to this chain index were archived by retention and are verified from their file. */
  archivedUpTo: string | null;
  unsealed: number;
  checkpoint: { chainIndex: string; hash: string; matches: boolean } | null;
  firstBroken: { seq: string; chainIndex: string | null; problem: ChainProblem; detail: string } | null;
  ms: number;
}

const DETAIL: Record<ChainProblem, string> = {
  gap: "an entry is missing before this one (deleted or re-numbered)",
  prev_hash_mismatch: "this entry does not link to the one before it (entries were removed or reordered)",
  hash_mismatch: "this entry's content no longer matches its hash (it was edited)",
  checkpoint_mismatch: "the chain does not match the recorded checkpoint at this position",
  truncated: "entries at the end of the chain were removed (the newest checkpoint is beyond the head)",
};

/** Walks the whole chain in order and reports the first entry that breaks it. */
export async function verifyAuditChain(batchSize = 5000): Promise<VerifyReport> {
  const started = Date.now();
  const [checkpoint, unsealed, archive] = await Promise.all([
    db().auditCheckpoint.findFirst({ orderBy: { chainIndex: "desc" } }),
    db().auditEntry.count({ where: { chainIndex: null } }),
    db().auditArchive.findFirst({ orderBy: { toIndex: "desc" } }),
  ]);
  // Entries moved out by retention are vouched for by their archive record: the live chain
  // must continue exactly where the newest archive ends.
  let state = archive ? { expectedIndex: archive.toIndex + BigInt(1), prevHash: archive.lastHash } : { expectedIndex: BigInt(1), prevHash: GENESIS_HASH };
  const firstLive = state.expectedIndex;
  let checked = 0;
  let checkpointHashSeen: string | null = null;
  for (;;) {
    const rows = await db().auditEntry.findMany({
      where: { chainIndex: { gte: state.expectedIndex } },
      orderBy: { chainIndex: "asc" },
      take: batchSize,
      select: { ...contentSelect, chainIndex: true, hash: true, prevHash: true },
    });
    const sealed = rows.map((r) => ({ ...r, chainIndex: r.chainIndex!, hash: r.hash ?? "", prevHash: r.prevHash ?? "" }));
    const result = verifyRun(sealed, state);
    if (result.problem) {
      const at = result.at;
      logger.warn({ seq: at.seq.toString(), chainIndex: String(at.chainIndex), problem: result.problem }, "audit chain broken");
      return {
        ok: false,
        checked: checked + sealed.indexOf(at as (typeof sealed)[number]),
        headIndex: null,
        headHash: null,
        archivedUpTo: archive ? archive.toIndex.toString() : null,
        unsealed,
        checkpoint: checkpoint ? { chainIndex: checkpoint.chainIndex.toString(), hash: checkpoint.hash, matches: false } : null,
        firstBroken: { seq: at.seq.toString(), chainIndex: String(at.chainIndex), problem: result.problem, detail: DETAIL[result.problem] },
        ms: Date.now() - started,
      };
    }
    if (checkpoint) {
      const hit = sealed.find((r) => r.chainIndex === checkpoint.chainIndex);
      if (hit) checkpointHashSeen = hit.hash;
    }
    checked += sealed.length;
    state = result.next;
    if (rows.length < batchSize) break;
  }
  const headIndex = state.expectedIndex - BigInt(1);
  let firstBroken: VerifyReport["firstBroken"] = null;
  let matches = true;
  if (checkpoint && checkpoint.chainIndex >= firstLive) {
    if (checkpoint.chainIndex > headIndex) {
      matches = false;
      firstBroken = { seq: "-", chainIndex: (headIndex + BigInt(1)).toString(), problem: "truncated", detail: DETAIL.truncated };
    } else if (checkpointHashSeen !== checkpoint.hash) {
      matches = false;
      firstBroken = { seq: "-", chainIndex: checkpoint.chainIndex.toString(), problem: "checkpoint_mismatch", detail: DETAIL.checkpoint_mismatch };
    }
  }
  return {
    ok: firstBroken === null,
    checked,
    headIndex: headIndex > BigInt(0) ? headIndex.toString() : null,
    headHash: headIndex > BigInt(0) ? state.prevHash : null,
    archivedUpTo: archive ? archive.toIndex.toString() : null,
    unsealed,
    checkpoint: checkpoint ? { chainIndex: checkpoint.chainIndex.toString(), hash: checkpoint.hash, matches } : null,
    firstBroken,
    ms: Date.now() - started,
  };
}
