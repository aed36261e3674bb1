import v8 from "node:v8";
import vm from "node:vm";
import { beforeAll, describe, expect, it } from "vitest";
import { prismaClient as db } from "@/lib/db";
import { exportAuditLog, runAuditVerification, searchAuditLog } from "@/lib/audit/service";
import { appendEntry, ownerDb } from "./helpers";
import { auditSigner } from "@/lib/audit/keys";
import { signCheckpoint } from "@/lib/audit/signing";
import { sealAll, verifyAuditChain } from "@/lib/audit/sealer";
import { chainHash, type SealedEntry } from "@/lib/audit/chain";
import { systemActor } from "@/prisma/factories";
import { groupTask, makeTeam, uid, type Team } from "./helpers";

// The audit log's tamper evidence: concurrent writers, the sealer, verification of edits,
// deletions and truncation, and streamed export. Tampering needs the trigger disabled, which
// only the table owner can do (the test database's superuser); each test repairs what it broke.
let team: Team;
beforeAll(async () => {
  team = await makeTeam();
  await sealAll();
});

async function asOwner(sql: string) {
  await ownerDb().$executeRawUnsafe(`ALTER TABLE "AuditEntry" DISABLE TRIGGER "AuditEntry_append_only"`);
  try {
    await ownerDb().$executeRawUnsafe(sql);
  } finally {
    await ownerDb().$executeRawUnsafe(`ALTER TABLE "AuditEntry" ENABLE TRIGGER "AuditEntry_append_only"`);
  }
}

describe("audit hash chain", () => {
  it("20 concurrent writers and concurrent sealers leave one valid, gap-free chain", async () => {
    const actor = systemActor("it-writer");
    const before = await db().auditEntry.count();
    const writers = Array.from({ length: 20 }, (_, w) =>
      (async () => {
        for (let i = 0; i < 10; i++) {
          await appendEntry(actor, { action: "it.concurrent", subjectType: "test", subjectId: `w${w}-${i}` });
        }
      })(),
    );
    const sealers = Array.from({ length: 3 }, async () => {
      for (let i = 0; i < 5; i++) await sealAll(50);
    });
    await Promise.all([...writers, ...sealers]);
    await sealAll();
    const report = await verifyAuditChain();
    expect(report.ok).toBe(true);
    expect(report.unsealed).toBe(0);
    expect(report.checked).toBe(await db().auditEntry.count());
    expect(report.checked).toBeGreaterThanOrEqual(before + 200);
    // Gap-free from the start of the live chain: index 1, or the one after what retention archived
    // (tests/audit-archive.int.test.ts may have run first in this database).
    const archive = await db().auditArchive.findFirst({ orderBy: { toIndex: "desc" } });
    const first = (archive?.toIndex ?? BigInt(0)) + BigInt(1);
    const indexes = await db().auditEntry.findMany({ select: { chainIndex: true }, orderBy: { chainIndex: "asc" } });
    indexes.forEach((r, i) => expect(r.chainIndex).toBe(first + BigInt(i)));
  });

  it("an edited entry is reported at that entry, and the report clears when it is restored", async () => {
    const task = await groupTask(team, { title: `Tamper target ${uid()}` });
    await sealAll();
    const entry = await db().auditEntry.findFirstOrThrow({ where: { taskId: task.id, action: "task.created" } });
    await asOwner(`UPDATE "AuditEntry" SET "reason" = 'edited afterwards' WHERE seq = ${entry.seq}`);
    const broken = await verifyAuditChain();
    expect(broken.ok).toBe(false);
    expect(broken.firstBroken).toMatchObject({ seq: entry.seq.toString(), problem: "hash_mismatch" });
    await asOwner(`UPDATE "AuditEntry" SET "reason" = NULL WHERE seq = ${entry.seq}`);
    expect((await verifyAuditChain()).ok).toBe(true);
  });

  it("a deleted entry is reported as a gap at the entry after it", async () => {
    const task = await groupTask(team, { title: `Delete target ${uid()}` });
    await groupTask(team, { title: `After it ${uid()}` });
    await sealAll();
    const entry = await db().auditEntry.findFirstOrThrow({ where: { taskId: task.id, action: "task.created" } });
    const copy = await db().$queryRawUnsafe<Record<string, unknown>[]>(`SELECT * FROM "AuditEntry" WHERE seq = ${entry.seq}`);
    await asOwner(`DELETE FROM "AuditEntry" WHERE seq = ${entry.seq}`);
    const broken = await verifyAuditChain();
    expect(broken.ok).toBe(false);
    expect(broken.firstBroken?.problem).toBe("gap");
    expect(broken.firstBroken?.chainIndex).toBe((entry.chainIndex! + BigInt(1)).toString());
    // Put the row back exactly as it was.
    await db().$executeRawUnsafe(
      `INSERT INTO "AuditEntry" SELECT * FROM json_populate_record(NULL::"AuditEntry", $1::json)`,
      JSON.stringify(copy[0], (_k, v) => (typeof v === "bigint" ? v.toString() : v)),
    );
    expect((await verifyAuditChain()).ok).toBe(true);
  });

  it("entries removed from the end of the chain are caught by the checkpoint", async () => {
    await sealAll();
    const head = await db().auditEntry.findFirstOrThrow({ orderBy: { chainIndex: "desc" } });
    // A genuine, signed checkpoint at the head (the sealer writes one only every 1000 entries).
    const signer = auditSigner()!;
    await db().$queryRawUnsafe(`SELECT baton_audit_checkpoint($1::bigint, $2, $3, $4)`, head.chainIndex!.toString(), head.hash!, signCheckpoint(signer.key, head.chainIndex!, head.hash!), signer.keyId);
    const copy = await db().$queryRawUnsafe<Record<string, unknown>[]>(`SELECT * FROM "AuditEntry" WHERE seq = ${head.seq}`);
    await asOwner(`DELETE FROM "AuditEntry" WHERE seq = ${head.seq}`);
    const broken = await verifyAuditChain();
    expect(broken.ok).toBe(false);
    expect(broken.firstBroken?.problem).toBe("truncated");
    await db().$executeRawUnsafe(
      `INSERT INTO "AuditEntry" SELECT * FROM json_populate_record(NULL::"AuditEntry", $1::json)`,
      JSON.stringify(copy[0], (_k, v) => (typeof v === "bigint" ? v.toString() : v)),
    );
    expect((await verifyAuditChain()).ok).toBe(true);
  });

  it("the app cannot update or delete entries, sealed or not", async () => {
    const row = await appendEntry(systemActor("it"), { action: "it.guard", subjectType: "test", subjectId: uid() });
    await expect(db().auditEntry.update({ where: { seq: row.seq }, data: { action: "it.changed" } })).rejects.toThrow(/content cannot change/);
    await expect(db().auditEntry.delete({ where: { seq: row.seq } })).rejects.toThrow(/permission denied/);
    await sealAll();
    await expect(db().auditEntry.update({ where: { seq: row.seq }, data: { hash: "0".repeat(64) } })).rejects.toThrow(/sealed/);
    await expect(db().auditCheckpoint.deleteMany({})).rejects.toThrow(/permission denied/);
    await expect(ownerDb().auditCheckpoint.deleteMany({})).rejects.toThrow(/append-only/);
  });

  it("verification through the service is audited and refused to members", async () => {
    const report = await runAuditVerification(team.as.auditor);
    expect(report.ok).toBe(true);
    const entry = await db().auditEntry.findFirst({ where: { action: "audit.verified", actorId: team.users.auditor.id } });
    expect(entry).not.toBeNull();
    await expect(runAuditVerification(team.as.alice)).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("supervisors read only their team's entries", async () => {
    const mine = await groupTask(team, { title: `Team task ${uid()}` });
    const otherTeam = await makeTeam();
    const theirs = await groupTask(otherTeam, { title: `Other team task ${uid()}` });
    const page = await searchAuditLog(team.as.supervisor, { limit: 200 });
    const taskIds = new Set(page.data.map((e) => e.taskId));
    expect(taskIds.has(mine.id)).toBe(true);
    expect(taskIds.has(theirs.id)).toBe(false);
    const all = await searchAuditLog(team.as.auditor, { taskId: theirs.id });
    expect(all.data.length).toBeGreaterThan(0);
  });

  it("exports 100,000 entries as a stream with bounded memory, and the JSONL verifies offline", async () => {
    const action = `it.export.${uid()}`;
    await db().$executeRawUnsafe(
      `INSERT INTO "AuditEntry" ("actorType","actorName","action","subjectType","subjectId","reason","after")
       SELECT 'SYSTEM', 'bulk', $1, 'test', 's' || g, 'row ' || g, jsonb_build_object('n', g, 'amount', g * 10)
       FROM generate_series(1, 100000) AS g`,
      action,
    );
    await sealAll(5000);
    // Live heap (after a forced collection) is what "bounded" means; garbage between
    // collections says nothing about streaming.
    v8.setFlagsFromString("--expose-gc");
    const gc = vm.runInNewContext("gc") as () => void;
    gc();
    const baseline = process.memoryUsage().heapUsed;
    let chunks = 0;
    let peak = 0;
    let lines = 0;
    let prev: SealedEntry | null = null;
    let linked = 0;
    for await (const chunk of exportAuditLog(team.as.auditor, { action }, "jsonl")) {
      for (const line of chunk.split("\n")) {
        if (!line) continue;
        const e = JSON.parse(line) as SealedEntry;
        expect(chainHash(e.prevHash, e.chainIndex, e)).toBe(e.hash);
        if (prev && BigInt(e.chainIndex) === BigInt(prev.chainIndex) + BigInt(1)) {
          expect(e.prevHash).toBe(prev.hash);
          linked++;
        }
        prev = e;
        lines++;
      }
      if (++chunks % 10 === 0) {
        gc();
        peak = Math.max(peak, process.memoryUsage().heapUsed - baseline);
      }
    }
    expect(lines).toBe(100_000);
    expect(linked).toBe(99_999);
    // 100,000 rows are ~40 MB of JSON; streaming keeps the live heap to about one batch.
    expect(peak).toBeLessThan(16 * 1024 * 1024);

    let csvRows = 0;
    for await (const chunk of exportAuditLog(team.as.auditor, { action }, "csv")) csvRows += chunk.split("\r\n").filter(Boolean).length;
    expect(csvRows).toBe(100_001);
  }, 180_000);
});
