import { createHash } from "node:crypto";
import { createWriteStream, mkdirSync } from "node:fs";
import { rename } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import { createGzip } from "node:zlib";
import { db, sql, transaction } from "../db";
import { logger } from "../logger";
import type { Actor } from "../identity/actor";
import { GENESIS_HASH, verifyRun } from "./chain";
import { sealAll } from "./sealer";
import { toExportRecord } from "./service";

// Retention: the oldest run of the chain older than the retention period is written to a
// gzip'd JSON Lines file (the export format, verifiable offline), recorded in AuditArchive with
// its last hash, and only then removed from the live table. See ADR 003.
interface ArchiveResult {
  archived: number;
  fromIndex?: string;
  toIndex?: string;
  file?: string;
}

const BATCH = 5000;

export async function archiveAuditEntries(opts: { olderThan: Date; dir: string; maxEntries?: number; actor: Actor }): Promise<ArchiveResult> {
  const maxEntries = BigInt(opts.maxEntries ?? 200_000);
  await sealAll();
  const last = await db().auditArchive.findFirst({ orderBy: { toIndex: "desc" } });
  const start = last ? last.toIndex + BigInt(1) : BigInt(1);
  // The archived run is a prefix of the live chain: stop at the first entry inside the period.
  const [boundary, head] = await Promise.all([
    db().auditEntry.findFirst({ where: { chainIndex: { gte: start }, at: { gte: opts.olderThan } }, orderBy: { chainIndex: "asc" }, select: { chainIndex: true } }),
    db().auditEntry.findFirst({ where: { chainIndex: { not: null } }, orderBy: { chainIndex: "desc" }, select: { chainIndex: true } }),
  ]);
  if (!head?.chainIndex) return { archived: 0 };
  let upto = boundary?.chainIndex ? boundary.chainIndex - BigInt(1) : head.chainIndex;
  if (upto > start + maxEntries - BigInt(1)) upto = start + maxEntries - BigInt(1);
  if (upto < start) return { archived: 0 };

  mkdirSync(opts.dir, { recursive: true });
  const file = path.join(opts.dir, `audit-${start}-${upto}.jsonl.gz`);
  const partial = `${file}.partial`;
  let state = { expectedIndex: start, prevHash: last?.lastHash ?? GENESIS_HASH };
  let count = 0;
  const sha = createHash("sha256");
  async function* lines() {
    let from = start;
    while (from <= upto) {
      const rows = await db().auditEntry.findMany({ where: { chainIndex: { gte: from, lte: upto } }, orderBy: { chainIndex: "asc" }, take: BATCH });
      if (rows.length === 0) break;
      const sealed = rows.map((r) => ({ ...r, chainIndex: r.chainIndex!, hash: r.hash ?? "", prevHash: r.prevHash ?? "" }));
      const check = verifyRun(sealed, state);
      // Never archive (and so delete) a run that does not verify: that would launder tampering.
      if (check.problem) throw new Error(`audit chain broken at seq ${check.at.seq} (${check.problem}); not archiving`);
      state = check.next;
      count += rows.length;
      yield rows.map((r) => `${JSON.stringify(toExportRecord(r))}\n`).join("");
      from = rows[rows.length - 1]!.chainIndex! + BigInt(1);
    }
  }
  const gzip = createGzip();
  gzip.on("data", (chunk: Buffer) => sha.update(chunk));
  await pipeline(Readable.from(lines()), gzip, createWriteStream(partial));
  if (BigInt(count) !== upto - start + BigInt(1)) throw new Error(`expected ${upto - start + BigInt(1)} entries to archive, read ${count}`);
  await rename(partial, file);
  const fileSha256 = sha.digest("hex");

  await transaction(async (tx) => {
    // The owner's function records the archive and deletes the entries it covers, after checking
    // it continues the previous archive and ends on the live chain (the application role has no
    // write right on either table; ADR 025). Verification checks the file against fileSha256.
    await tx.query(
      sql`SELECT baton_audit_archive(${start.toString()}::bigint, ${upto.toString()}::bigint, ${state.prevHash}, ${count}::int, ${file}, ${fileSha256})`,
    );
    tx.audit(opts.actor, {
      action: "audit.archived",
      subjectType: "audit",
      subjectId: "chain",
      after: { fromIndex: start.toString(), toIndex: upto.toString(), entries: count, lastHash: state.prevHash, file, fileSha256 },
      reason: `retention: entries before ${opts.olderThan.toISOString()}`,
    });
  });
  logger.info({ fromIndex: start.toString(), toIndex: upto.toString(), entries: count, file }, "audit entries archived");
  return { archived: count, fromIndex: start.toString(), toIndex: upto.toString(), file };
}
