import { AUDIT_CONTENT_FIELDS, raw, sql, transaction } from "../db";
import { chainHash, GENESIS_HASH, type ChainContent } from "./chain";
import { auditSigner } from "./keys";
import { signCheckpoint } from "./signing";

// Writers never wait for the chain: an entry gets its sequence number in the writing
// transaction, and this sealer (one at a time, behind an advisory lock) links committed entries
// into the chain in the order it sees them. See docs/decisions/003-audit-hash-chain.md.
const SEALER_LOCK_KEY = 424242001;
const CHECKPOINT_EVERY = BigInt(1000);

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
      // Signed with the key outside the database; recorded by the owner's function, which checks
      // it against the chain (the application role cannot write checkpoints itself). ADR 026.
      const signer = auditSigner();
      const signature = signer ? signCheckpoint(signer.key, index, prev) : null;
      await tx.query(sql`SELECT baton_audit_checkpoint(${index.toString()}::bigint, ${prev}, ${signature}, ${signer?.keyId ?? null})`);
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


// Verification moved to ./verify (it never seals); re-exported for the callers that import it here.
export { verifyAuditChain, type VerifyReport } from "./verify";
