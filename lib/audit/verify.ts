import { createHash } from "node:crypto";
import { createReadStream, existsSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";
import { AUDIT_CONTENT_FIELDS, db } from "../db";
import { env } from "../env";
import { logger } from "../logger";
import { GENESIS_HASH, verifyRun, type ChainProblem, type SealedEntry } from "./chain";
import { auditVerifyKeys } from "./keys";
import { verifyCheckpointSignature } from "./signing";

// Verification of the whole record (ADR 003, ADR 026): every archive file against its recorded
// sha256 and its own chain, archives and live entries as one unbroken chain from the genesis hash,
// every checkpoint's signature and hash. It only reads: it never seals or re-seals anything.

export type VerifyProblem =
  | ChainProblem
  | "archive_gap"
  | "archive_missing"
  | "archive_hash_mismatch"
  | "archive_content"
  | "bad_signature"
  | "unknown_key"
  | "unsigned_checkpoint";

export interface VerifyReport {
  ok: boolean;
  checked: number;
  headIndex: string | null;
  headHash: string | null;
  /** Entries up to this chain index were archived by retention and are verified from their files. */
  archivedUpTo: string | null;
  archives: number;
  unsealed: number;
  /** The newest checkpoint and whether the chain matches it. */
  checkpoint: { chainIndex: string; hash: string; matches: boolean; signed: boolean } | null;
  checkpoints: { total: number; signed: number };
  /** The newest chain index a valid signature vouches for. */
  signedUpTo: string | null;
  firstBroken: { seq: string; chainIndex: string | null; problem: VerifyProblem; detail: string } | null;
  ms: number;
}

const DETAIL: Record<VerifyProblem, string> = {
  gap: "an entry is missing before this one (deleted or re-numbered)",
  prev_hash_mismatch: "this entry does not link to the one before it (entries were removed or reordered)",
  hash_mismatch: "this entry's content no longer matches its hash (it was edited)",
  checkpoint_mismatch: "the chain does not match the recorded checkpoint at this position",
  truncated: "entries at the end of the chain were removed (the newest checkpoint is beyond the head)",
  archive_gap: "the archive records do not continue one another from the first entry (an archive record is missing or forged)",
  archive_missing: "the file of this archive record is missing",
  archive_hash_mismatch: "the file of this archive record does not match its recorded sha256 (replaced or edited)",
  archive_content: "the archive file does not hold the entries its record says (count or last hash differ)",
  bad_signature: "a checkpoint's signature does not verify (forged or re-computed checkpoint)",
  unknown_key: "a checkpoint is signed by a key that is neither AUDIT_SIGNING_KEY nor one of AUDIT_PUBLIC_KEYS",
  unsigned_checkpoint: "an unsigned checkpoint follows signed ones (written without the signing key)",
};

class Broken extends Error {
  constructor(
    readonly problem: VerifyProblem,
    readonly chainIndex: string | null,
    readonly seq = "-",
  ) {
    super(problem);
  }
}

/** A checkpoint as anchored outside the database (lib/audit/anchor.ts). */
export interface AnchoredCheckpoint {
  chainIndex: string;
  hash: string;
  signature: string;
  keyId: string;
}

interface Cp {
  chainIndex: bigint;
  hash: string;
  signature: string | null;
  keyId: string | null;
}

/** Where an archive file is: as recorded, else by its name in AUDIT_ARCHIVE_DIR (a moved directory). */
function archivePath(location: string, dir: string): string | null {
  if (existsSync(location)) return location;
  const moved = path.join(dir, path.basename(location));
  return existsSync(moved) ? moved : null;
}

async function fileSha256(file: string): Promise<string> {
  const sha = createHash("sha256");
  for await (const chunk of createReadStream(file)) sha.update(chunk as Buffer);
  return sha.digest("hex");
}

async function* archiveEntries(file: string, batch: number): AsyncGenerator<SealedEntry[]> {
  const rl = createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity });
  let rows: SealedEntry[] = [];
  for await (const line of rl) {
    if (!line.trim()) continue;
    rows.push(JSON.parse(line) as SealedEntry);
    if (rows.length >= batch) {
      yield rows;
      rows = [];
    }
  }
  if (rows.length) yield rows;
}

const contentSelect = Object.fromEntries(AUDIT_CONTENT_FIELDS.map((f) => [f, true])) as { [K in (typeof AUDIT_CONTENT_FIELDS)[number]]: true };

/** Walks archives, then the live table, in chain order and reports the first thing that breaks the record. */
export async function verifyAuditChain(batchSize = 5000, opts: { archiveDir?: string; anchors?: readonly AnchoredCheckpoint[] } = {}): Promise<VerifyReport> {
  const started = Date.now();
  const archiveDir = opts.archiveDir ?? env().AUDIT_ARCHIVE_DIR;
  const [checkpoints, unsealed, archives] = await Promise.all([
    db().auditCheckpoint.findMany({ orderBy: [{ chainIndex: "asc" }, { id: "asc" }], select: { chainIndex: true, hash: true, signature: true, keyId: true } }),
    db().auditEntry.count({ where: { chainIndex: null } }),
    db().auditArchive.findMany({ orderBy: { toIndex: "asc" } }),
  ]);
  const keys = auditVerifyKeys();
  // Anchored checkpoints (copies kept outside the database) are checked like the database's own:
  // signature first, then against the chain. They catch checkpoints deleted from the database.
  const anchored: Cp[] = (opts.anchors ?? []).map((a) => ({ chainIndex: BigInt(a.chainIndex), hash: a.hash, signature: a.signature, keyId: a.keyId }));
  const newest: Cp | undefined = [...checkpoints, ...anchored].sort((a, b) => (a.chainIndex < b.chainIndex ? -1 : a.chainIndex > b.chainIndex ? 1 : 0)).pop();
  const byIndex = new Map<string, Cp[]>();
  for (const c of [...checkpoints, ...anchored]) byIndex.set(c.chainIndex.toString(), [...(byIndex.get(c.chainIndex.toString()) ?? []), c]);
  let signed = 0;
  let signedUpTo: bigint | null = null;
  let state = { expectedIndex: BigInt(1), prevHash: GENESIS_HASH };
  let checked = 0;
  let newestMatches = true;

  const checkRun = (entries: SealedEntry[]) => {
    const result = verifyRun(entries, state);
    if (result.problem) {
      checked += entries.indexOf(result.at);
      throw new Broken(result.problem, String(result.at.chainIndex), String(result.at.seq));
    }
    for (const e of entries) {
      const hits = byIndex.get(String(e.chainIndex));
      if (hits?.some((c) => c.hash !== e.hash)) {
        if (newest && String(newest.chainIndex) === String(e.chainIndex)) newestMatches = false;
        throw new Broken("checkpoint_mismatch", String(e.chainIndex), String(e.seq));
      }
    }
    checked += entries.length;
    state = result.next;
  };

  try {
    // 1. Every checkpoint's signature: someone who rewrote the tables cannot sign.
    for (const c of checkpoints) {
      if (c.signature) {
        const key = c.keyId ? keys.get(c.keyId) : undefined;
        if (!key) throw new Broken("unknown_key", c.chainIndex.toString());
        if (!verifyCheckpointSignature(key, c.chainIndex, c.hash, c.signature)) throw new Broken("bad_signature", c.chainIndex.toString());
        signed++;
        signedUpTo = c.chainIndex;
      } else if (signed > 0) throw new Broken("unsigned_checkpoint", c.chainIndex.toString());
    }
    for (const c of anchored) {
      const key = c.keyId ? keys.get(c.keyId) : undefined;
      if (!key) throw new Broken("unknown_key", c.chainIndex.toString());
      if (!c.signature || !verifyCheckpointSignature(key, c.chainIndex, c.hash, c.signature)) throw new Broken("bad_signature", c.chainIndex.toString());
    }
    // 2. The archives, each from its file, continuing one another from the genesis hash.
    for (const a of archives) {
      if (a.fromIndex !== state.expectedIndex) throw new Broken("archive_gap", a.fromIndex.toString());
      const file = archivePath(a.location, archiveDir);
      if (!file) throw new Broken("archive_missing", a.fromIndex.toString());
      if ((await fileSha256(file)) !== a.fileSha256) throw new Broken("archive_hash_mismatch", a.fromIndex.toString());
      const before = checked;
      for await (const rows of archiveEntries(file, batchSize)) checkRun(rows);
      if (checked - before !== a.entryCount || state.expectedIndex !== a.toIndex + BigInt(1) || state.prevHash !== a.lastHash) {
        throw new Broken("archive_content", a.fromIndex.toString());
      }
    }
    // 3. The live table, continuing where the last archive ends.
    for (;;) {
      const rows = await db().auditEntry.findMany({
        where: { chainIndex: { gte: state.expectedIndex } },
        orderBy: { chainIndex: "asc" },
        take: batchSize,
        select: { ...contentSelect, chainIndex: true, hash: true, prevHash: true },
      });
      checkRun(rows.map((r) => ({ ...r, chainIndex: r.chainIndex!, hash: r.hash ?? "", prevHash: r.prevHash ?? "" })));
      if (rows.length < batchSize) break;
    }
    // 4. A checkpoint beyond the head: entries were cut off the end.
    const head = state.expectedIndex - BigInt(1);
    if (newest && newest.chainIndex > head) {
      newestMatches = false;
      throw new Broken("truncated", (head + BigInt(1)).toString());
    }
  } catch (e) {
    if (!(e instanceof Broken)) throw e;
    logger.warn({ seq: e.seq, chainIndex: e.chainIndex, problem: e.problem }, "audit record broken");
    return report({ firstBroken: { seq: e.seq, chainIndex: e.chainIndex, problem: e.problem, detail: DETAIL[e.problem] }, head: null });
  }
  return report({ firstBroken: null, head: state });

  function report(r: { firstBroken: VerifyReport["firstBroken"]; head: { expectedIndex: bigint; prevHash: string } | null }): VerifyReport {
    const headIndex = r.head ? r.head.expectedIndex - BigInt(1) : BigInt(0);
    const lastArchive = archives[archives.length - 1];
    return {
      ok: r.firstBroken === null,
      checked,
      headIndex: headIndex > BigInt(0) ? headIndex.toString() : null,
      headHash: r.head && headIndex > BigInt(0) ? r.head.prevHash : null,
      archivedUpTo: lastArchive ? lastArchive.toIndex.toString() : null,
      archives: archives.length,
      unsealed,
      checkpoint: newest
        ? { chainIndex: newest.chainIndex.toString(), hash: newest.hash, matches: r.firstBroken === null ? true : newestMatches && r.firstBroken.problem !== "bad_signature", signed: !!newest.signature }
        : null,
      checkpoints: { total: checkpoints.length, signed },
      signedUpTo: signedUpTo === null ? null : String(signedUpTo),
      firstBroken: r.firstBroken,
      ms: Date.now() - started,
    };
  }
}
