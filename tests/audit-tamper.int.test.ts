// Issue 18 / M11: the record cannot be rewritten quietly, not even with the application's own
// database credentials (ADR 025, ADR 026). Every statement below marked "app" runs as the
// application role (DATABASE_URL); "owner" ones as the table owner (DATABASE_OWNER_URL), playing a
// database administrator who rewrites history. Each attempt is either refused by PostgreSQL or
// named by verification; each test puts back what it broke (as the owner), because the other
// integration files share this database.
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { createHash } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { query } from "@/lib/db";
import { chainHash, type SealedEntry } from "@/lib/audit/chain";
import { auditSigner } from "@/lib/audit/keys";
import { sealAll } from "@/lib/audit/sealer";
import { keyIdOf, signCheckpoint } from "@/lib/audit/signing";
import { verifyAuditChain } from "@/lib/audit/verify";
import { toExportRecord } from "@/lib/audit/service";
import { anchorAuditCheckpoint, ANCHOR_FILE, type AnchorRecord } from "@/lib/audit/anchor";
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { systemActor } from "@/prisma/factories";
import { appendEntry, db, ownerDb, uid } from "./helpers";

const app = (text: string, values: unknown[] = []) => query(text, values);
const owner = (text: string, ...values: unknown[]) => ownerDb().$executeRawUnsafe(text, ...values);
const json = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x));

async function withOwnerTriggersOff<T>(fn: () => Promise<T>): Promise<T> {
  await owner(`ALTER TABLE "AuditEntry" DISABLE TRIGGER "AuditEntry_append_only"`);
  await owner(`ALTER TABLE "AuditCheckpoint" DISABLE TRIGGER "AuditCheckpoint_append_only"`);
  await owner(`ALTER TABLE "AuditArchive" DISABLE TRIGGER "AuditArchive_append_only"`);
  try {
    return await fn();
  } finally {
    await owner(`ALTER TABLE "AuditEntry" ENABLE TRIGGER "AuditEntry_append_only"`);
    await owner(`ALTER TABLE "AuditCheckpoint" ENABLE TRIGGER "AuditCheckpoint_append_only"`);
    await owner(`ALTER TABLE "AuditArchive" ENABLE TRIGGER "AuditArchive_append_only"`);
  }
}

/** A few fresh, sealed entries at the head of the chain and a genuine signed checkpoint on the newest. */
async function sealedHead(n = 3) {
  for (let i = 0; i < n; i++) await appendEntry(systemActor("it-tamper"), { action: "it.tamper", subjectType: "test", subjectId: uid(), reason: `entry ${i}` });
  await sealAll();
  const rows = await db().auditEntry.findMany({ where: { chainIndex: { not: null } }, orderBy: { chainIndex: "desc" }, take: n });
  const head = rows[0]!;
  const signer = auditSigner()!;
  const newest = await db().auditCheckpoint.findFirst({ orderBy: { chainIndex: "desc" } });
  if (!newest || newest.chainIndex < head.chainIndex!) {
    await app(`SELECT baton_audit_checkpoint($1::bigint, $2, $3, $4)`, [head.chainIndex!.toString(), head.hash!, signCheckpoint(signer.key, head.chainIndex!, head.hash!), signer.keyId]);
  }
  return rows.reverse();
}

beforeAll(async () => {
  expect(auditSigner(), "the test runner sets AUDIT_SIGNING_KEY").not.toBeNull();
  await sealAll();
  expect((await verifyAuditChain()).ok).toBe(true);
});

describe("with the application's credentials", () => {
  it("connects as a role that is neither superuser nor owner of the audit tables", async () => {
    const [me] = await app(`SELECT current_user AS "user", rolsuper AS "super" FROM pg_roles WHERE rolname = current_user`);
    expect(me).toMatchObject({ super: false });
    const owned = await app(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user`);
    expect(owned).toEqual([]);
  });

  it("cannot edit, delete or truncate entries", async () => {
    const [entry] = await sealedHead(1);
    await expect(app(`UPDATE "AuditEntry" SET "reason" = 'rewritten' WHERE seq = $1`, [entry!.seq])).rejects.toThrow(/sealed and cannot change/);
    await expect(app(`DELETE FROM "AuditEntry" WHERE seq = $1`, [entry!.seq])).rejects.toThrow(/permission denied/);
    await expect(app(`TRUNCATE "AuditEntry"`)).rejects.toThrow(/permission denied/);
  });

  it("cannot disable the triggers or switch them off with session_replication_role", async () => {
    await expect(app(`ALTER TABLE "AuditEntry" DISABLE TRIGGER "AuditEntry_append_only"`)).rejects.toThrow(/must be owner/);
    await expect(app(`ALTER TABLE "AuditEntry" DISABLE TRIGGER ALL`)).rejects.toThrow(/must be owner/);
    await expect(app(`SET session_replication_role = replica`)).rejects.toThrow(/permission denied/);
    await expect(app(`DROP TRIGGER "AuditEntry_append_only" ON "AuditEntry"`)).rejects.toThrow(/must be owner/);
    await expect(app(`CREATE OR REPLACE FUNCTION baton_audit_guard() RETURNS trigger AS $$ BEGIN RETURN NEW; END $$ LANGUAGE plpgsql`)).rejects.toThrow(/must be owner|permission denied/);
  });

  it("cannot write checkpoints or archive records directly, nor through the functions against the chain", async () => {
    const [entry] = await sealedHead(1);
    await expect(app(`INSERT INTO "AuditCheckpoint" ("chainIndex", "hash") VALUES (1, 'x')`)).rejects.toThrow(/permission denied/);
    await expect(app(`DELETE FROM "AuditCheckpoint"`)).rejects.toThrow(/permission denied/);
    await expect(app(`INSERT INTO "AuditArchive" ("fromIndex", "toIndex", "lastHash", "entryCount", "location", "fileSha256") VALUES (1, 2, 'x', 2, 'f', 'x')`)).rejects.toThrow(
      /permission denied/,
    );
    // A re-chained checkpoint (a hash the chain does not have) is refused by the function.
    await expect(app(`SELECT baton_audit_checkpoint($1::bigint, $2, NULL, NULL)`, [(entry!.chainIndex! + BigInt(1)).toString(), "f".repeat(64)])).rejects.toThrow(
      /does not match the sealed chain/,
    );
    // An archive that does not continue the previous one, or does not end on the chain.
    await expect(app(`SELECT baton_audit_archive(1, 2, 'x', 2, 'f', $1)`, ["0".repeat(64)])).rejects.toThrow(/must start at|does not end on the sealed chain/);
  });

  it("the old archive bypass (forged archive row + declared range + DELETE) no longer works (M11)", async () => {
    const [entry] = await sealedHead(1);
    const upto = entry!.chainIndex!.toString();
    await expect(
      (async () => {
        const { pool } = await import("@/lib/db");
        const c = await pool().connect();
        try {
          await c.query("BEGIN");
          await c.query(`INSERT INTO "AuditArchive" ("fromIndex","toIndex","lastHash","entryCount","location","fileSha256") VALUES (1, $1::bigint, $2, $3::int, 'nowhere', $4)`, [upto, entry!.hash, upto, "0".repeat(64)]);
          await c.query(`SELECT set_config('baton.audit_archive_upto', $1, true)`, [upto]);
          await c.query(`DELETE FROM "AuditEntry" WHERE "chainIndex" <= $1::bigint`, [upto]);
          await c.query("COMMIT");
        } catch (e) {
          await c.query("ROLLBACK");
          throw e;
        } finally {
          c.release();
        }
      })(),
    ).rejects.toThrow(/permission denied/);
    expect(await db().auditEntry.count({ where: { chainIndex: entry!.chainIndex! } })).toBe(1);
    expect((await verifyAuditChain()).ok).toBe(true);
  });

  it("a checkpoint signed with another key is named by verification", async () => {
    const [entry] = await sealedHead(1);
    const next = await appendEntry(systemActor("it-tamper"), { action: "it.tamper", subjectType: "test", subjectId: uid() });
    await sealAll();
    const row = await db().auditEntry.findUniqueOrThrow({ where: { seq: next.seq } });
    const { privateKey } = generateKeyPairSync("ed25519");
    // Claims the real key's id, but is signed with another key: a bad signature.
    await app(`SELECT baton_audit_checkpoint($1::bigint, $2, $3, $4)`, [row.chainIndex!.toString(), row.hash!, signCheckpoint(privateKey, row.chainIndex!, row.hash!), auditSigner()!.keyId]);
    const report = await verifyAuditChain();
    expect(report.ok).toBe(false);
    expect(report.firstBroken).toMatchObject({ problem: "bad_signature", chainIndex: row.chainIndex!.toString() });
    await withOwnerTriggersOff(() => owner(`DELETE FROM "AuditCheckpoint" WHERE "chainIndex" = $1::bigint`, row.chainIndex!.toString()));
    // With its own key id: an unknown key.
    await app(`SELECT baton_audit_checkpoint($1::bigint, $2, $3, $4)`, [row.chainIndex!.toString(), row.hash!, signCheckpoint(privateKey, row.chainIndex!, row.hash!), keyIdOf(privateKey)]);
    expect((await verifyAuditChain()).firstBroken).toMatchObject({ problem: "unknown_key" });
    await withOwnerTriggersOff(() => owner(`DELETE FROM "AuditCheckpoint" WHERE "chainIndex" = $1::bigint`, row.chainIndex!.toString()));
    expect(entry).toBeDefined();
    expect((await verifyAuditChain()).ok).toBe(true);
  });

  it("a faked archive (wrong file, edited file, missing file) is named by verification", async () => {
    await sealedHead(2);
    const last = await db().auditArchive.findFirst({ orderBy: { toIndex: "desc" } });
    const from = (last?.toIndex ?? BigInt(0)) + BigInt(1);
    const to = from + BigInt(1);
    const rows = await db().auditEntry.findMany({ where: { chainIndex: { gte: from, lte: to } }, orderBy: { chainIndex: "asc" } });
    expect(rows).toHaveLength(2);
    const saved = await ownerDb().$queryRawUnsafe<Record<string, unknown>[]>(`SELECT * FROM "AuditEntry" WHERE "chainIndex" BETWEEN $1::bigint AND $2::bigint`, from.toString(), to.toString());
    const dir = mkdtempSync(path.join(tmpdir(), "baton-tamper-"));
    const file = path.join(dir, `audit-${from}-${to}.jsonl.gz`);
    // An "archive" whose second entry was edited: the bytes are whatever the attacker wrote, and
    // the recorded sha256 is theirs too.
    const lines = rows.map((r, i) => ({ ...toExportRecord(r), ...(i === 1 ? { reason: "edited in the archive" } : {}) }));
    const bytes = gzipSync(lines.map((l) => `${json(l)}\n`).join(""));
    writeFileSync(file, bytes);
    const sha = createHash("sha256").update(bytes).digest("hex");
    try {
      await app(`SELECT baton_audit_archive($1::bigint, $2::bigint, $3, 2, $4, $5)`, [from.toString(), to.toString(), rows[1]!.hash, file, sha]);
      expect(await db().auditEntry.count({ where: { chainIndex: { gte: from, lte: to } } })).toBe(0);
      const edited = await verifyAuditChain();
      expect(edited.firstBroken).toMatchObject({ problem: "hash_mismatch", chainIndex: to.toString() });

      writeFileSync(file, gzipSync("not the archive\n"));
      expect((await verifyAuditChain()).firstBroken).toMatchObject({ problem: "archive_hash_mismatch", chainIndex: from.toString() });

      rmSync(file);
      expect((await verifyAuditChain()).firstBroken).toMatchObject({ problem: "archive_missing", chainIndex: from.toString() });
    } finally {
      // Put the entries back and remove the fake archive record (the owner, triggers off).
      await withOwnerTriggersOff(async () => {
        await owner(`DELETE FROM "AuditArchive" WHERE "fromIndex" = $1::bigint`, from.toString());
        await owner(`INSERT INTO "AuditEntry" SELECT * FROM json_populate_recordset(NULL::"AuditEntry", $1::json)`, json(saved));
      });
      rmSync(dir, { recursive: true, force: true });
    }
    expect((await verifyAuditChain()).ok).toBe(true);
  });
});

describe("with the owner's credentials", () => {
  it("an edited entry with the chain re-computed after it is caught by the signed checkpoint", async () => {
    const rows = await sealedHead(3);
    const saved = await ownerDb().$queryRawUnsafe<Record<string, unknown>[]>(
      `SELECT * FROM "AuditEntry" WHERE "chainIndex" BETWEEN $1::bigint AND $2::bigint`,
      rows[0]!.chainIndex!.toString(),
      rows[2]!.chainIndex!.toString(),
    );
    // Rewrite the first of the three and re-chain every entry after it: every link holds again.
    let prev = rows[0]!.prevHash!;
    const rewritten: SealedEntry[] = rows.map((r, i) => {
      const content = { ...r, reason: i === 0 ? "quietly rewritten" : r.reason };
      const hash = chainHash(prev, r.chainIndex!, content);
      const e = { ...content, chainIndex: r.chainIndex!, prevHash: prev, hash };
      prev = hash;
      return e;
    });
    await withOwnerTriggersOff(async () => {
      for (const e of rewritten) await owner(`UPDATE "AuditEntry" SET "reason" = $1, "prevHash" = $2, "hash" = $3 WHERE seq = $4::bigint`, e.reason, e.prevHash, e.hash, String(e.seq));
    });
    try {
      const report = await verifyAuditChain();
      expect(report.ok).toBe(false);
      expect(report.firstBroken).toMatchObject({ problem: "checkpoint_mismatch", chainIndex: rows[2]!.chainIndex!.toString() });

      // Replacing the checkpoint does not help without the signing key: unsigned after signed ones.
      await withOwnerTriggersOff(async () => {
        await owner(`DELETE FROM "AuditCheckpoint" WHERE "chainIndex" = $1::bigint`, rows[2]!.chainIndex!.toString());
        await owner(`INSERT INTO "AuditCheckpoint" ("chainIndex", "hash") VALUES ($1::bigint, $2)`, rows[2]!.chainIndex!.toString(), prev);
      });
      expect((await verifyAuditChain()).firstBroken).toMatchObject({ problem: "unsigned_checkpoint" });
    } finally {
      await withOwnerTriggersOff(async () => {
        await owner(`DELETE FROM "AuditCheckpoint" WHERE "chainIndex" = $1::bigint`, rows[2]!.chainIndex!.toString());
        await owner(`DELETE FROM "AuditEntry" WHERE "chainIndex" BETWEEN $1::bigint AND $2::bigint`, rows[0]!.chainIndex!.toString(), rows[2]!.chainIndex!.toString());
        await owner(`INSERT INTO "AuditEntry" SELECT * FROM json_populate_recordset(NULL::"AuditEntry", $1::json)`, json(saved));
      });
    }
    expect((await verifyAuditChain()).ok).toBe(true);
  });

  it("a rewrite that also deletes the database's checkpoints is caught by the anchored copy", async () => {
    const rows = await sealedHead(3);
    const head = rows[2]!;
    // The worker's anchor job: to a directory and to a webhook.
    const received: AnchorRecord[] = [];
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        received.push(JSON.parse(body) as AnchorRecord);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const dir = mkdtempSync(path.join(tmpdir(), "baton-anchors-"));
    try {
      const { port } = server.address() as { port: number };
      const result = await anchorAuditCheckpoint({ dir, webhookUrl: `http://127.0.0.1:${port}/anchor` });
      expect(result.anchored).toBe(head.chainIndex!.toString());
      expect(received).toHaveLength(1);
      expect(received[0]).toMatchObject({ chainIndex: head.chainIndex!.toString(), hash: head.hash, keyId: auditSigner()!.keyId });
      // Anchoring again without a new checkpoint adds no line to the file.
      await anchorAuditCheckpoint({ dir });
      const anchors = readFileSync(path.join(dir, ANCHOR_FILE), "utf8").trim().split("\n").map((l) => JSON.parse(l) as AnchorRecord);
      expect(anchors).toHaveLength(1);
    } finally {
      await new Promise((r) => server.close(r));
    }
    const anchors = readFileSync(path.join(dir, ANCHOR_FILE), "utf8").trim().split("\n").map((l) => JSON.parse(l) as AnchorRecord);

    const saved = await ownerDb().$queryRawUnsafe<Record<string, unknown>[]>(
      `SELECT * FROM "AuditEntry" WHERE "chainIndex" BETWEEN $1::bigint AND $2::bigint`,
      rows[0]!.chainIndex!.toString(),
      head.chainIndex!.toString(),
    );
    const [checkpoint] = await ownerDb().$queryRawUnsafe<Record<string, unknown>[]>(`SELECT * FROM "AuditCheckpoint" WHERE "chainIndex" = $1::bigint`, head.chainIndex!.toString());
    let prev = rows[0]!.prevHash!;
    await withOwnerTriggersOff(async () => {
      for (const [i, r] of rows.entries()) {
        const content = { ...r, reason: i === 0 ? "quietly rewritten" : r.reason };
        const hash = chainHash(prev, r.chainIndex!, content);
        await owner(`UPDATE "AuditEntry" SET "reason" = $1, "prevHash" = $2, "hash" = $3 WHERE seq = $4::bigint`, content.reason, prev, hash, String(r.seq));
        prev = hash;
      }
      await owner(`DELETE FROM "AuditCheckpoint" WHERE "chainIndex" = $1::bigint`, head.chainIndex!.toString());
    });
    try {
      // The database alone no longer shows it: its newest checkpoint is older than the rewrite.
      expect((await verifyAuditChain()).ok).toBe(true);
      const report = await verifyAuditChain(5000, { anchors });
      expect(report.firstBroken).toMatchObject({ problem: "checkpoint_mismatch", chainIndex: head.chainIndex!.toString() });
    } finally {
      await withOwnerTriggersOff(async () => {
        await owner(`DELETE FROM "AuditEntry" WHERE "chainIndex" BETWEEN $1::bigint AND $2::bigint`, rows[0]!.chainIndex!.toString(), head.chainIndex!.toString());
        await owner(`INSERT INTO "AuditEntry" SELECT * FROM json_populate_recordset(NULL::"AuditEntry", $1::json)`, json(saved));
        await owner(`INSERT INTO "AuditCheckpoint" SELECT * FROM json_populate_record(NULL::"AuditCheckpoint", $1::json)`, json(checkpoint));
      });
      rmSync(dir, { recursive: true, force: true });
    }
    expect((await verifyAuditChain(5000, { anchors })).ok).toBe(true);
  });
});
