// Backup and restore as docs/operations.md tells an operator to do it: `pg_dump -Fc` of a live
// installation (its worker running), `pg_restore` into a fresh database, a worker started on the
// restored database with an empty Redis (nothing of the old Redis survives a lost machine). The
// restored audit chain verifies; in-flight work resumes from PostgreSQL alone — a wait step's
// timeout fires and its instance completes, escalation levels due after the backup fire — and
// nothing that happened before the backup happens again (no level escalates twice).
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asAppRole, auditVerify, createDatabase, dropDatabase, onServer, runOk, siblingUrl, ownDatabase } from "./databases";
import { grantAppRole } from "@/scripts/lib/db-roles.mjs";
import { killWorkerProcesses, startWorkerProcess, stopWorkerProcess } from "./worker-process";

// Two databases of this test's own: the installation (src, which this file's services and the
// workers it starts use) and the one restored from its backup (dst), each with its Redis prefix.
const runPrefix = process.env.REDIS_PREFIX!;
const own = await ownDatabase("bsrc");
const src = own.owner;
const dst = siblingUrl("backup_dst");
const dstPrefix = `${runPrefix}_bdst`;

const { db, makeTeam, uid } = await import("./helpers");
const { createTask } = await import("@/lib/tasks");
const { publishDefinition } = await import("@/lib/processes/service");
const { startInstance } = await import("@/lib/engine");

const dir = mkdtempSync(path.join(os.tmpdir(), "baton-backup-"));
const fastLoops = {
  AUDIT_SEAL_MS: "300",
  OUTBOX_SWEEP_MS: "300",
  ESCALATION_SWEEP_MS: "300",
  ESCALATION_SWEEP_GRACE_MS: "200",
  ENGINE_RECOVERY_MS: "300",
  ENGINE_STALE_GRACE_MS: "300",
  WORKER_SCHEDULE_CHECK_MS: "1000",
};
let srcWorker: ChildProcess | null = null;

beforeAll(async () => {
  await dropDatabase(dst);
});
afterAll(async () => {
  killWorkerProcesses();
  const { redis } = await import("@/lib/redis");
  const keys = await redis().keys(`${dstPrefix}:*`);
  if (keys.length) await redis().unlink(...keys);
  await own.cleanup();
  await dropDatabase(dst);
  rmSync(dir, { recursive: true, force: true });
});

async function until<T>(what: string, ms: number, fn: () => Promise<T | null | undefined | false>): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("backup and restore", () => {
  it("a restored installation verifies its audit chain and resumes its timers without doing anything twice", { timeout: 180_000 }, async () => {
    const team = await makeTeam();
    srcWorker = await startWorkerProcess(fastLoops);

    // In flight at backup time: tasks whose first level fired and whose second is due after it,
    // and instances waiting on an event that will not come (their timeout is after the backup).
    const tasks = await Promise.all(
      [1, 2, 3].map((i) =>
        createTask(team.as.supervisor, {
          title: `Backup ${i} ${uid()}`,
          candidateGroup: team.group.key,
          escalation: { levels: [{ after: "PT1S", action: "remind" }, { after: "PT12S", action: "supervisor" }] },
        }),
      ),
    );
    const key = `backup-${uid()}`;
    await publishDefinition(team.as.admin, {
      key,
      name: "Wait for the payment, else chase",
      steps: [
        { id: "paid", kind: "wait", event: `com.example.paid.${uid()}`, correlationKey: "{{n}}", timeout: "PT12S", onTimeout: "chase", next: "done" },
        { id: "chase", kind: "set", assign: { chased: true }, next: "done" },
        { id: "done", kind: "end" },
      ],
    });
    const instances = await Promise.all([1, 2].map((n) => startInstance(team.as.admin, key, { variables: { n: `${n}-${uid()}` } })));
    const taskIds = tasks.map((t) => t.id);
    const instanceIds = instances.map((i) => i.id);
    await until("level 1 of every task and the waits", 30_000, async () => {
      const fired = await db().taskEscalation.count({ where: { taskId: { in: taskIds }, level: 1 } });
      const waiting = await db().stepRun.count({ where: { instanceId: { in: instanceIds }, stepId: "paid", status: "WAITING" } });
      const unsealed = await db().auditEntry.count({ where: { chainIndex: null } });
      return fired === 3 && waiting === 2 && unsealed === 0;
    });

    // The backup, taken while the worker runs (pg_dump reads one consistent snapshot).
    const file = path.join(dir, "baton.dump");
    runOk("pg_dump", ["--format=custom", "--file", file, src.toString()]);
    // The machine is lost: its worker dies with it, and its Redis is gone (the restore gets another prefix).
    srcWorker.kill("SIGKILL");
    const before = await onServer(src, async (c) => ({
      audit: Number((await c.query(`SELECT count(*)::int AS n FROM "AuditEntry"`)).rows[0].n),
      levels: (await c.query(`SELECT "taskId", "level" FROM "TaskEscalation" WHERE "taskId" = ANY($1) ORDER BY 1, 2`, [taskIds])).rows,
    }));

    await createDatabase(dst);
    runOk("pg_restore", ["--exit-on-error", "--dbname", dst.toString(), file]);
    // The runbook's next step: the application role's rights (idempotent; restored grants already name it).
    await grantAppRole({ ownerUrl: dst.toString(), appUrl: asAppRole(dst).toString() });
    expect(auditVerify(dst)).toMatch(/Audit chain intact: \d+ entries/);

    const dstWorker = await startWorkerProcess({
      ...fastLoops,
      DATABASE_URL: asAppRole(dst).toString(),
      DATABASE_OWNER_URL: dst.toString(),
      REDIS_PREFIX: dstPrefix,
    });
    try {
      await onServer(dst, async (c) => {
        await until("the waits to time out and their instances to complete", 60_000, async () => {
          const r = await c.query(`SELECT count(*)::int AS n FROM "ProcessInstance" WHERE id = ANY($1) AND status = 'COMPLETED'`, [instanceIds]);
          return r.rows[0].n === 2;
        });
        await until("level 2 of every task", 60_000, async () => {
          const r = await c.query(`SELECT count(*)::int AS n FROM "TaskEscalation" WHERE "taskId" = ANY($1) AND level = 2`, [taskIds]);
          return r.rows[0].n === 3;
        });
        // A few sweeps more: anything that would fire twice has had its chance.
        await new Promise((r) => setTimeout(r, 1500));

        // Exactly once: one row per task and level (level 1 from before the backup, not again).
        const levels = (await c.query(`SELECT "taskId", "level", count(*)::int AS n FROM "TaskEscalation" WHERE "taskId" = ANY($1) GROUP BY 1, 2 ORDER BY 1, 2`, [taskIds])).rows;
        expect(levels).toEqual(taskIds.flatMap((id) => [1, 2].map((level) => ({ taskId: id, level, n: 1 }))).sort((a, b) => a.taskId.localeCompare(b.taskId) || a.level - b.level));
        expect(before.levels.every((l: { level: number }) => l.level === 1)).toBe(true);
        const reminded = (await c.query(`SELECT count(*)::int AS n FROM "AuditEntry" WHERE "taskId" = ANY($1) AND action = 'task.reminded'`, [taskIds])).rows[0].n;
        expect(reminded).toBe(3);
        const chase = (await c.query(`SELECT "instanceId", count(*)::int AS n FROM "StepRun" WHERE "instanceId" = ANY($1) AND "stepId" = 'chase' GROUP BY 1`, [instanceIds])).rows;
        expect(chase.map((r) => r.n)).toEqual([1, 1]);
        const vars = (await c.query(`SELECT variables FROM "ProcessInstance" WHERE id = ANY($1)`, [instanceIds])).rows;
        expect(vars.every((v) => v.variables.chased === true)).toBe(true);
        // The restored record grew after the restore and still verifies as one chain.
        await until("the new entries sealed", 20_000, async () => (await c.query(`SELECT count(*)::int AS n FROM "AuditEntry" WHERE "chainIndex" IS NULL`)).rows[0].n === 0);
        expect(Number((await c.query(`SELECT count(*)::int AS n FROM "AuditEntry"`)).rows[0].n)).toBeGreaterThan(before.audit);
      });
      expect(auditVerify(dst)).toMatch(/Audit chain intact/);
    } finally {
      await stopWorkerProcess(dstWorker);
    }
  });
});
