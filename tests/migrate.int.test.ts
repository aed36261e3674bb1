import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { onServer } from "./databases";

// `migrate deploy` must work on an empty database with the offline Prisma setup
// (prisma.config.ts workarounds for prisma/orm#27403 and PL/pgSQL scripts).
const root = path.resolve(__dirname, "..");
// Creating a database and migrating it are the owner's rights (ADR 025).
const runUrl = new URL(process.env.DATABASE_OWNER_URL ?? process.env.DATABASE_URL!);
const name = `${runUrl.pathname.slice(1)}_migrate`.slice(0, 63);
const target = new URL(runUrl);
target.pathname = `/${name}`;
const admin = new URL(runUrl);
admin.pathname = "/postgres";

describe("migrate deploy", () => {
  it("builds the schema and the audit trigger on an empty database", { timeout: 120_000 }, async () => {
    await onServer(admin, (c) => c.query(`CREATE DATABASE "${name}"`));
    try {
      const result = spawnSync(process.execPath, [path.join(root, "scripts", "prisma.mjs"), "migrate", "deploy"], {
        cwd: root,
        env: { ...process.env, DATABASE_URL: target.toString(), DATABASE_OWNER_URL: target.toString() },
        encoding: "utf8",
        timeout: 110_000,
      });
      expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);

      await onServer(target, async (c) => {
        const tables = (await c.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`)).rows.map((r) => r.table_name);
        expect(tables).toEqual(expect.arrayContaining(["User", "Group", "Task", "AuditEntry", "ApiToken", "OutboxMessage", "Notification", "IdempotencyRecord", "_prisma_migrations"]));
        const triggers = (await c.query<{ tgname: string }>(`SELECT tgname FROM pg_trigger WHERE tgrelid = '"AuditEntry"'::regclass AND NOT tgisinternal`)).rows.map((r) => r.tgname);
        expect(triggers.sort()).toEqual(["AuditEntry_append_only", "AuditEntry_no_truncate"]);
        const applied = await c.query(`SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`);
        expect(applied.rowCount).toBeGreaterThanOrEqual(2);
      });

      // A second deploy is a no-op.
      const again = spawnSync(process.execPath, [path.join(root, "scripts", "prisma.mjs"), "migrate", "deploy"], {
        cwd: root,
        env: { ...process.env, DATABASE_URL: target.toString(), DATABASE_OWNER_URL: target.toString() },
        encoding: "utf8",
        timeout: 110_000,
      });
      expect(again.status, again.stderr).toBe(0);
      expect(again.stdout).toMatch(/No pending migrations/);
    } finally {
      await onServer(admin, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    }
  });
});
