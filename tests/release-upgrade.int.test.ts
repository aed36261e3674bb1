// The release check (docs/operations.md, "Upgrading"): a database built by the previous release's
// own migrations (a copy of its prisma/migrations, kept in scripts/release/<version>/migrations, so a
// shallow clone runs it too; the test checks the copy against git when the commit is there) and
// holding that release's kind of data — people, a group, a running instance waiting on a task, a
// decided task, an API token, a webhook, a sealed audit chain with a checkpoint — is upgraded with
// this tree's `migrate deploy`. Afterwards every row is still there, the data migrations filled
// what they promise, the schema is exactly this tree's, and `npm run audit:verify` finds the chain
// sealed by the previous release intact.
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chainHash, GENESIS_HASH, type ChainContent } from "@/lib/audit/chain";
import type pg from "pg";
import { applyMigrationsLikePrisma, auditVerify, createDatabase, dropDatabase, migrateDeploy, onServer, ownerRunUrl, root, siblingUrl } from "./databases";

const previous = JSON.parse(readFileSync(path.join(root, "scripts", "release", "previous-release.json"), "utf8")) as { version: string; commit: string };
const target = siblingUrl("release");
let oldTree: string;

/**
 * The previous release's migration folders: the copy kept in the repository. Where git has the
 * release's commit (a full clone), the copy must equal what git has there.
 */
function checkOutPreviousMigrations(): string {
  const kept = path.join(root, "scripts", "release", previous.version, "migrations");
  let tar: Buffer | null = null;
  try {
    tar = execFileSync("git", ["archive", "--format=tar", previous.commit, "prisma/migrations"], { cwd: root, maxBuffer: 64 * 1024 * 1024, stdio: ["ignore", "pipe", "ignore"] });
  } catch {
    tar = null; // a shallow clone: the kept copy is all there is
  }
  if (tar) {
    const dir = mkdtempSync(path.join(os.tmpdir(), "baton-release-"));
    execFileSync("tar", ["-x", "-C", dir], { input: tar });
    const fromGit = path.join(dir, "prisma", "migrations");
    const list = (d: string) => readdirSync(d, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.relative(d, path.join(e.parentPath, e.name))).sort();
    expect(list(kept)).toEqual(list(fromGit));
    for (const f of list(fromGit)) expect(readFileSync(path.join(kept, f), "utf8"), f).toBe(readFileSync(path.join(fromGit, f), "utf8"));
    rmSync(dir, { recursive: true, force: true });
  }
  return kept;
}

const AT = (i: number) => new Date(Date.UTC(2026, 11, 1, 9, 0, i));
const entries: ChainContent[] = [
  ["USER", "u_priya", "Priya Raman", "process.published", "ProcessDefinition", "def_invoice", null, null, null, { key: "invoice-approval", version: 1 }],
  ["SYSTEM", null, "engine", "instance.started", "ProcessInstance", "inst_1", null, "inst_1", null, { status: "RUNNING" }],
  ["SYSTEM", null, "engine", "task.created", "Task", "task_open", "task_open", "inst_1", null, { status: "OPEN", title: "Approve INV-7" }],
  ["USER", "u_maya", "Maya Lindqvist", "task.decided", "Task", "task_done", "task_done", null, { status: "OPEN" }, { status: "DECIDED", outcome: "approve" }],
  ["USER", "u_priya", "Priya Raman", "webhook.created", "WebhookEndpoint", "wh_1", null, null, null, { url: "https://erp.example.com/hook" }],
].map(([actorType, actorId, actorName, action, subjectType, subjectId, taskId, instanceId, before, after], i) => ({
  seq: String(i + 1),
  at: AT(i),
  actorType: actorType as string,
  actorId: actorId as string | null,
  actorName: actorName as string,
  onBehalfOfId: null,
  action: action as string,
  subjectType: subjectType as string,
  subjectId: subjectId as string,
  taskId: taskId as string | null,
  instanceId: instanceId as string | null,
  before,
  after,
  reason: i === 3 ? "Within budget" : null,
  requestId: `req-${i + 1}`,
  ip: "203.0.113.7",
  userAgent: "release-check",
}));

/** Rows as the previous release wrote them (its schema: no owner on tokens, plaintext webhook secrets). */
async function seedPreviousRelease(): Promise<void> {
  await onServer(target, async (c) => {
    await c.query(`
      INSERT INTO "User" ("id", "email", "name", "passwordHash", "role", "updatedAt") VALUES
        ('u_priya', 'priya@acme.test', 'Priya Raman', 'x', 'ADMIN', now()),
        ('u_sam', 'sam@acme.test', 'Sam Okafor', 'x', 'SUPERVISOR', now()),
        ('u_maya', 'maya@acme.test', 'Maya Lindqvist', 'x', 'MEMBER', now());
      UPDATE "User" SET "supervisorId" = 'u_sam' WHERE "id" = 'u_maya';
      INSERT INTO "Group" ("id", "key", "name", "supervisorId") VALUES ('g_ap', 'finance-ap', 'Finance AP', 'u_sam');
      INSERT INTO "GroupMembership" ("userId", "groupId") VALUES ('u_maya', 'g_ap');
      INSERT INTO "BusinessCalendar" ("groupId", "timeZone", "workingDays", "startMinute", "endMinute", "holidays", "updatedAt") VALUES
        ('g_ap', 'Europe/Berlin', '{1,2,3,4,6}', 480, 990, '{2026-12-25}', now());
      INSERT INTO "ProcessDefinition" ("id", "key", "version", "name", "document", "startOn", "createdById", "createdByName") VALUES
        ('def_invoice', 'invoice-approval', 1, 'Invoice approval',
         '{"key":"invoice-approval","name":"Invoice approval","steps":[{"id":"review","kind":"human","title":"Approve {{invoiceNumber}}","candidateGroup":"finance-ap","next":{"approve":"done","reject":"done"}},{"id":"done","kind":"end"}]}',
         '{}', 'u_priya', 'Priya Raman');
      INSERT INTO "ProcessInstance" ("id", "definitionId", "businessKey", "status", "variables", "currentStepId", "startedByName") VALUES
        ('inst_1', 'def_invoice', 'INV-7', 'WAITING', '{"invoiceNumber":"INV-7","amount":1200}', 'review', 'Priya Raman');
      INSERT INTO "StepRun" ("id", "instanceId", "stepId", "type", "status", "attempts") VALUES ('sr_review', 'inst_1', 'review', 'human', 'WAITING', 1);
      INSERT INTO "Task" ("id", "title", "status", "candidateGroupId", "instanceId", "stepRunId", "dueAt", "escalationPolicy", "nextEscalationAt", "context", "updatedAt") VALUES
        ('task_open', 'Approve INV-7', 'OPEN', 'g_ap', 'inst_1', 'sr_review', '2026-12-20T12:00:00', '{"levels":[{"after":"PT8H","action":"notify_supervisor"}]}', '2026-12-20T20:00:00', '{"amount":1200}', now()),
        ('task_done', 'Refund for Rita', 'DECIDED', 'g_ap', NULL, NULL, NULL, NULL, NULL, '{}', now());
      UPDATE "Task" SET "outcome" = 'approve', "decidedById" = 'u_maya', "decidedAt" = '2026-12-01T09:00:03', "reason" = 'Within budget' WHERE "id" = 'task_done';
      INSERT INTO "ApiToken" ("id", "name", "prefix", "tokenHash", "role", "scopes", "createdById") VALUES
        ('tok_erp', 'ERP', 'bat_abc', 'hash-of-the-erp-token', 'MEMBER', '{tasks:read}', 'u_priya');
      INSERT INTO "WebhookEndpoint" ("id", "url", "secret", "createdById", "createdByName", "updatedAt") VALUES
        ('wh_1', 'https://erp.example.com/hook', 'whsec_previous_release', 'u_priya', 'Priya Raman', now());
    `);
    // The previous release's sealer: the same chain (lib/audit/chain.ts is unchanged since), and a
    // checkpoint without a signature (signatures came with this release).
    let prev = GENESIS_HASH;
    for (const [i, e] of entries.entries()) {
      const hash = chainHash(prev, String(i + 1), e);
      await c.query(
        `INSERT INTO "AuditEntry" ("seq", "at", "actorType", "actorId", "actorName", "onBehalfOfId", "action", "subjectType", "subjectId", "taskId", "instanceId", "before", "after", "reason", "requestId", "ip", "userAgent", "chainIndex", "hash", "prevHash")
         VALUES ($1, $2, $3::"ActorType", $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)`,
        [e.seq, (e.at as Date).toISOString().replace("Z", ""), e.actorType, e.actorId, e.actorName, e.onBehalfOfId, e.action, e.subjectType, e.subjectId, e.taskId, e.instanceId, e.before === null ? null : JSON.stringify(e.before), e.after === null ? null : JSON.stringify(e.after), e.reason, e.requestId, e.ip, e.userAgent, i + 1, hash, prev],
      );
      prev = hash;
    }
    await c.query(`SELECT setval(pg_get_serial_sequence('"AuditEntry"', 'seq'), $1)`, [entries.length]);
    await c.query(`INSERT INTO "AuditCheckpoint" ("chainIndex", "hash") VALUES ($1, $2)`, [entries.length, prev]);
  });
}

/** The public schema's columns, indexes, constraints and enum labels, as comparable text. */
async function schemaOf(c: pg.Client) {
  const rows = async (q: string) => (await c.query<{ r: string }>(q)).rows.map((x) => x.r);
  return {
    columns: await rows(`SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '') AS r
      FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1`),
    indexes: await rows(`SELECT indexdef AS r FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1`),
    constraints: await rows(`SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) AS r
      FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1`),
    enums: await rows(`SELECT t.typname || '.' || e.enumlabel AS r FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid ORDER BY t.typname, e.enumsortorder`),
  };
}

beforeAll(async () => {
  oldTree = checkOutPreviousMigrations();
  await createDatabase(target);
}, 60_000);

afterAll(async () => {
  await dropDatabase(target);
});

describe(`upgrading a database of the previous release`, () => {
  it("keeps its data and its audit chain, fills what the data migrations promise, and ends on exactly this schema", { timeout: 240_000 }, async () => {
    const newMigrations = readdirSync(path.join(root, "prisma", "migrations")).filter((n) => /^\d{14}_/.test(n));

    // The previous release's schema, from its own migration files, recorded as its deploy did.
    const oldMigrations = await applyMigrationsLikePrisma(target, oldTree);
    expect(oldMigrations.length).toBeGreaterThan(10);
    expect(newMigrations.length).toBeGreaterThan(oldMigrations.length);
    await seedPreviousRelease();
    const before = await onServer(target, async (c) => {
      const counts: Record<string, number> = {};
      for (const t of ["User", "Group", "GroupMembership", "BusinessCalendar", "ProcessDefinition", "ProcessInstance", "StepRun", "Task", "ApiToken", "WebhookEndpoint", "AuditEntry", "AuditCheckpoint"]) {
        counts[t] = Number((await c.query(`SELECT count(*)::int AS n FROM "${t}"`)).rows[0].n);
      }
      return counts;
    });

    // This release's upgrade: only the migrations the previous release did not have.
    const upgrade = migrateDeploy(target);
    expect(upgrade.stdout).toMatch(new RegExp(`${newMigrations.length - oldMigrations.length} migrations? found|applied`, "i"));

    await onServer(target, async (c) => {
      const applied = (await c.query<{ migration_name: string }>(`SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY 1`)).rows.map((r) => r.migration_name);
      expect(applied).toEqual([...newMigrations].sort());
      for (const [t, n] of Object.entries(before)) expect(Number((await c.query(`SELECT count(*)::int AS n FROM "${t}"`)).rows[0].n), t).toBe(n);

      // The rows read back as this release reads them.
      const maya = (await c.query(`SELECT "kind"::text, "role"::text, "supervisorId", "active" FROM "User" WHERE id = 'u_maya'`)).rows[0];
      expect(maya).toEqual({ kind: "PERSON", role: "MEMBER", supervisorId: "u_sam", active: true });
      const open = (await c.query(`SELECT "status"::text, "instanceId", "stepRunId", "candidateGroupId", "nextEscalationAt", "escalationPolicy" FROM "Task" WHERE id = 'task_open'`)).rows[0];
      expect(open).toMatchObject({ status: "OPEN", instanceId: "inst_1", stepRunId: "sr_review", candidateGroupId: "g_ap", escalationPolicy: { levels: [{ after: "PT8H", action: "notify_supervisor" }] } });
      expect((open.nextEscalationAt as Date).toISOString()).toBe("2026-12-20T20:00:00.000Z");
      const inst = (await c.query(`SELECT "status"::text, "currentStepId", "variables" FROM "ProcessInstance" WHERE id = 'inst_1'`)).rows[0];
      expect(inst).toEqual({ status: "WAITING", currentStepId: "review", variables: { invoiceNumber: "INV-7", amount: 1200 } });
      // 20261213100000: the calendar's one range on its working days becomes hours per weekday, unchanged.
      const cal = (await c.query(`SELECT "timeZone", "hours", "holidays" FROM "BusinessCalendar" WHERE "groupId" = 'g_ap'`)).rows[0];
      const range = [[480, 990]];
      expect(cal).toEqual({ timeZone: "Europe/Berlin", hours: [range, range, range, range, [], range, []], holidays: ["2026-12-25"] });
      // 20261207100000: a token acts for the person who created it.
      expect((await c.query(`SELECT "ownerId" FROM "ApiToken" WHERE id = 'tok_erp'`)).rows[0].ownerId).toBe("u_priya");
      // 20261207120100: the webhook's fingerprint is filled; the plaintext stays until the worker encrypts it.
      const wh = (await c.query(`SELECT "secret", "secretFingerprint" FROM "WebhookEndpoint" WHERE id = 'wh_1'`)).rows[0];
      expect(wh).toEqual({ secret: "whsec_previous_release", secretFingerprint: createHash("sha256").update("whsec_previous_release").digest("hex").slice(0, 16) });
      // The audit rows are untouched (hash and content).
      const audit = (await c.query(`SELECT "seq"::text, "chainIndex"::text, "hash", "action" FROM "AuditEntry" ORDER BY "seq"`)).rows;
      expect(audit.map((r) => r.action)).toEqual(entries.map((e) => e.action));
      expect(audit.map((r) => r.chainIndex)).toEqual(["1", "2", "3", "4", "5"]);
    });

    // The schema is this tree's, column for column: the same catalog as this run's own database,
    // which `npm test` built from scratch with the same migrations.
    const [upgraded, fresh] = await Promise.all([onServer(target, schemaOf), onServer(ownerRunUrl(), schemaOf)]);
    expect(upgraded.columns).toEqual(fresh.columns);
    expect(upgraded.indexes).toEqual(fresh.indexes);
    expect(upgraded.constraints).toEqual(fresh.constraints);
    expect(upgraded.enums).toEqual(fresh.enums);

    // This release's verifier accepts the chain the previous release sealed.
    expect(auditVerify(target)).toMatch(/Audit chain intact: 5 entries/);
    // …and would catch an edit made after the upgrade (the check can fail).
    await onServer(target, async (c) => {
      await c.query(`ALTER TABLE "AuditEntry" DISABLE TRIGGER "AuditEntry_append_only"`);
      await c.query(`UPDATE "AuditEntry" SET "reason" = 'Over budget' WHERE "seq" = 4`);
    });
    expect(() => auditVerify(target)).toThrow(/BROKEN at seq 4/);
  });
});
