import { createReadStream } from "node:fs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";
import { describe, expect, it } from "vitest";
import { prismaClient as db } from "@/lib/db";
import { archiveAuditEntries } from "@/lib/audit/archive";
import { sealAll, verifyAuditChain } from "@/lib/audit/sealer";
import { chainHash, type SealedEntry } from "@/lib/audit/chain";
import { appendEntry, ownerDb } from "./helpers";
import { systemActor } from "@/prisma/factories";
import { uid } from "./helpers";

// Retention keeps the chain verifiable: archived entries leave the live table only after their
// file is written and recorded, and verification resumes from the archive's last hash.
describe("audit retention and archiving", () => {
  it("archives the chain's old prefix to a verifiable file and the live chain still verifies", async () => {
    const actor = systemActor("it-retention");
    for (let i = 0; i < 5; i++) {
      await appendEntry(actor, { action: "it.retention.old", subjectType: "test", subjectId: uid() });
    }
    await sealAll();
    await new Promise((r) => setTimeout(r, 20));
    const cutoff = new Date();
    await new Promise((r) => setTimeout(r, 20));
    const recent = await appendEntry(actor, { action: "it.retention.new", subjectType: "test", subjectId: uid() });
    await sealAll();

    const dir = mkdtempSync(path.join(tmpdir(), "baton-archive-"));
    const result = await archiveAuditEntries({ olderThan: cutoff, dir, maxEntries: 1_000_000, actor });
    expect(result.archived).toBeGreaterThanOrEqual(5);
    const upto = BigInt(result.toIndex!);

    // Gone from the live table, recorded in the archive table, newer entries untouched.
    expect(await db().auditEntry.count({ where: { chainIndex: { lte: upto } } })).toBe(0);
    expect(await db().auditEntry.findUnique({ where: { seq: recent.seq } })).not.toBeNull();
    const archive = await db().auditArchive.findUniqueOrThrow({ where: { toIndex: upto } });
    expect(archive.entryCount).toBe(result.archived);

    const report = await verifyAuditChain();
    expect(report).toMatchObject({ ok: true, archivedUpTo: result.toIndex });

    // The file alone proves its entries: every hash matches, every link holds, it ends on the
    // hash recorded in the archive table.
    const rl = createInterface({ input: createReadStream(result.file!).pipe(createGunzip()), crlfDelay: Infinity });
    let prev: SealedEntry | null = null;
    let n = 0;
    for await (const line of rl) {
      const e = JSON.parse(line) as SealedEntry;
      expect(chainHash(e.prevHash, e.chainIndex, e)).toBe(e.hash);
      if (prev) expect(e.prevHash).toBe(prev.hash);
      prev = e;
      n++;
    }
    expect(n).toBe(result.archived);
    expect(prev?.hash).toBe(archive.lastHash);

    // Nothing new is old enough: a second run archives nothing.
    expect((await archiveAuditEntries({ olderThan: cutoff, dir, actor })).archived).toBe(0);
  }, 120_000);

  it("declaring an archive range does not let anyone delete live entries", async () => {
    const row = await appendEntry(systemActor("it"), { action: "it.retention.live", subjectType: "test", subjectId: uid() });
    await sealAll();
    // Not even the owner (the application role has no DELETE right on entries at all).
    await expect(
      ownerDb().$transaction(async (tx) => {
        await tx.$executeRaw`SELECT set_config('baton.audit_archive_upto', '999999999', true)`;
        await tx.$executeRaw`DELETE FROM "AuditEntry" WHERE seq = ${row.seq}`;
      }),
    ).rejects.toThrow(/append-only/);
    expect((await verifyAuditChain()).ok).toBe(true);
  });
});
