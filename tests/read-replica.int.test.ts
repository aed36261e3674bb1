// The read replica (ADR 049, docs/operations.md#read-replica) against a real streaming replica: a
// primary and a hot standby of its own, made by this test from the machine's PostgreSQL 15 binaries
// (initdb, then pg_basebackup -R), each in a temp dir on a free port — the machine's own cluster is
// never touched. With the standby's replay paused, a decision made afterwards is on the primary
// only: the audit search, the export, the dashboard and the separation-of-duties report do not see
// it (they read the replica), the lag grows and is reported (DTO, /metrics, /api/health), the
// writes still succeed (they go to the primary) and a search about that one task sees it (read your
// writes). With the standby stopped, the same reads answer from the primary and count a fallback.
import { spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { applyMigrationsLikePrisma, closeConnections, databaseOf, onServer, root, runOk, siblingUrl } from "./databases";
import { freePort } from "./worker-process";

const BIN = "/usr/lib/postgresql/15/bin";
const available = existsSync(path.join(BIN, "initdb")) && existsSync(path.join(BIN, "pg_basebackup"));
// PostgreSQL refuses to run as root: as root, the clusters belong to the postgres user.
const asRoot = process.getuid?.() === 0;
const dir = mkdtempSync(path.join(os.tmpdir(), "baton-replica-"));

function pg(bin: string, args: string[]): void {
  if (asRoot) runOk("runuser", ["-u", "postgres", "--", path.join(BIN, bin), ...args], { cwd: dir, timeout: 120_000 });
  else runOk(path.join(BIN, bin), args, { cwd: dir, timeout: 120_000 });
}

function stopCluster(name: string): void {
  if (!existsSync(path.join(dir, name, "postmaster.pid"))) return;
  const cmd = asRoot ? ["runuser", ["-u", "postgres", "--", path.join(BIN, "pg_ctl"), "-D", path.join(dir, name), "-m", "immediate", "-w", "stop"]] : [path.join(BIN, "pg_ctl"), ["-D", path.join(dir, name), "-m", "immediate", "-w", "stop"]];
  spawnSync(cmd[0] as string, cmd[1] as string[], { cwd: dir, stdio: "ignore", timeout: 60_000 });
}

const ports = { primary: 0, replica: 0 };
const urls = {} as { owner: URL; app: URL; replicaOwner: URL; replicaApp: URL };

if (available) {
  if (asRoot) {
    const uid = Number(runOk("id", ["-u", "postgres"]).stdout.trim());
    const gid = Number(runOk("id", ["-g", "postgres"]).stdout.trim());
    chownSync(dir, uid, gid);
  }
  ports.primary = await freePort();
  ports.replica = await freePort();
  const common = `-k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c shared_buffers=16MB -c max_connections=60`;
  pg("initdb", ["-D", path.join(dir, "primary"), "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C"]);
  pg("pg_ctl", ["-D", path.join(dir, "primary"), "-l", path.join(dir, "primary.log"), "-w", "-t", "60", "-o", `-p ${ports.primary} ${common} -c wal_level=replica -c max_wal_senders=4`, "start"]);
  // The standby: a base backup of the primary with its recovery settings (-R), started hot.
  pg("pg_basebackup", ["-h", "127.0.0.1", "-p", String(ports.primary), "-U", "postgres", "-D", path.join(dir, "replica"), "-R", "-X", "stream", "-c", "fast", "--no-sync"]);
  pg("pg_ctl", ["-D", path.join(dir, "replica"), "-l", path.join(dir, "replica.log"), "-w", "-t", "60", "-o", `-p ${ports.replica} ${common} -c hot_standby=on`, "start"]);

  // This run's database name (the integration setup insists on baton_test_…), on the temp primary:
  // the owner migrates it and grants the application role of DATABASE_URL its rights there.
  const name = databaseOf(siblingUrl("replica"));
  const at = (port: number, user: string, password = "") => new URL(`postgresql://${encodeURIComponent(user)}${password ? `:${encodeURIComponent(password)}` : ""}@127.0.0.1:${port}/${name}`);
  const appRole = new URL(process.env.DATABASE_URL!);
  urls.owner = at(ports.primary, "postgres");
  urls.app = at(ports.primary, decodeURIComponent(appRole.username), decodeURIComponent(appRole.password));
  urls.replicaOwner = at(ports.replica, "postgres");
  urls.replicaApp = at(ports.replica, decodeURIComponent(appRole.username), decodeURIComponent(appRole.password));
  const admin = new URL(urls.owner);
  admin.pathname = "/postgres";
  await onServer(admin, (c) => c.query(`CREATE DATABASE "${name}"`));
  await applyMigrationsLikePrisma(urls.owner, path.join(root, "prisma", "migrations"));
  const { grantAppRole } = await import("../scripts/lib/db-roles.mjs");
  await grantAppRole({ ownerUrl: urls.owner.toString(), appUrl: urls.app.toString() });

  process.env.DATABASE_URL = urls.app.toString();
  process.env.DATABASE_OWNER_URL = urls.owner.toString();
  process.env.DATABASE_REPLICA_URL = urls.replicaApp.toString();
  process.env.DATABASE_REPLICA_LAG_NOTICE_SECONDS = "1";
  process.env.DATABASE_REPLICA_RETRY_MS = "60000";
  process.env.REDIS_PREFIX = `${process.env.REDIS_PREFIX}_replica`.slice(0, 64);
}

/** Waits until the standby has replayed everything the primary has written so far. */
async function caughtUp(): Promise<void> {
  const [{ lsn }] = (await onServer(urls.owner, (c) => c.query("SELECT pg_current_wal_lsn()::text AS lsn"))).rows as [{ lsn: string }];
  const until = Date.now() + 30_000;
  for (;;) {
    const { rows } = await onServer(urls.replicaOwner, (c) => c.query("SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS done", [lsn]));
    if (rows[0]?.done) return;
    if (Date.now() > until) throw new Error("the standby did not catch up");
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function waitUntil(what: string, check: () => Promise<boolean>): Promise<void> {
  const until = Date.now() + 30_000;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const onReplica = (sql: string) => onServer(urls.replicaOwner, (c) => c.query(sql));

afterAll(async () => {
  if (available) await closeConnections();
  stopCluster("replica");
  stopCluster("primary");
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!available)("heavy reads on a streaming read replica", () => {
  it("serves the audit search, the export, the dashboard and the SoD report from the replica; writes and one's own reads stay on the primary; the lag is shown", { timeout: 120_000 }, async () => {
    const { makeTeam, groupTask } = await import("./helpers");
    const { claimTask, decideTask } = await import("@/lib/tasks");
    const { searchAuditLog, exportAuditLog } = await import("@/lib/audit/service");
    const { separationOfDutiesReport } = await import("@/lib/audit/separation-of-duties");
    const { kpiDashboard } = await import("@/lib/kpi/service");
    const { refreshKpiRollups, rollupState } = await import("@/lib/kpi/rollup");
    const { renderMetrics } = await import("@/lib/metrics/collect");
    const { checkDependencies } = await import("@/lib/health");

    const team = await makeTeam();
    const before = await groupTask(team);
    await claimTask(team.as.alice, before.id);
    await decideTask(team.as.alice, before.id, { outcome: "approve" });
    await refreshKpiRollups({ rebuild: true });
    await caughtUp();

    // The standby stops applying what the primary sends.
    await onReplica("SELECT pg_wal_replay_pause()");
    await waitUntil("replay paused", async () => (await onReplica("SELECT pg_get_wal_replay_pause_state() AS s")).rows[0].s === "paused");
    const after = await groupTask(team);
    await claimTask(team.as.bob, after.id);
    // Writes while the standby is paused succeed: they never go there (it would refuse them).
    const decided = await decideTask(team.as.bob, after.id, { outcome: "approve" });
    expect(decided.status).toBe("DECIDED");
    await new Promise((r) => setTimeout(r, 1000));
    await refreshKpiRollups();
    const primaryState = await rollupState();

    // Audit search across the log: from the replica, without the decision made after the pause.
    const page = await searchAuditLog(team.as.auditor, { action: "task.*", limit: 200 });
    const taskIds = new Set(page.data.map((e) => e.taskId));
    expect(taskIds.has(before.id)).toBe(true);
    expect(taskIds.has(after.id)).toBe(false);
    expect(page.freshness.source).toBe("replica");
    expect(page.freshness.lagSeconds).toBeGreaterThanOrEqual(1);
    expect(page.freshness.behind).toBe(true);

    // A search about that one task is what its decider reads next: the primary, with the decision.
    const own = await searchAuditLog(team.as.auditor, { taskId: after.id });
    expect(own.freshness.source).toBe("primary");
    expect(own.data.map((e) => e.action)).toContain("task.approved");

    // The export reads the replica too.
    let exported = "";
    for await (const chunk of exportAuditLog(team.as.auditor, {}, "jsonl")) exported += chunk;
    const exportedTasks = new Set(exported.trim().split("\n").map((l) => (JSON.parse(l) as { taskId: string | null }).taskId));
    expect(exportedTasks.has(before.id)).toBe(true);
    expect(exportedTasks.has(after.id)).toBe(false);

    // The dashboard: the replica's rollups, dated by the replica's refresh, not the primary's newer one.
    const dashboard = await kpiDashboard(team.as.admin, {});
    expect(dashboard.freshness.source).toBe("replica");
    expect(dashboard.freshness.behind).toBe(true);
    expect(dashboard.refreshedAt).not.toBeNull();
    expect(primaryState?.lastRunAt).not.toBe(dashboard.refreshedAt);

    // The SoD report scans the replica's decisions.
    const sod = await separationOfDutiesReport(team.as.auditor, {});
    expect(sod.freshness.source).toBe("replica");

    // The lag, measured on the replica, in /metrics and /api/health.
    const { body } = await renderMetrics();
    expect(body).toMatch(/^baton_db_replica_up 1$/m);
    const lag = Number(/^baton_db_replica_lag_seconds (\S+)$/m.exec(body)?.[1]);
    expect(lag).toBeGreaterThanOrEqual(1);
    const health = await checkDependencies();
    expect(health.ok).toBe(true);
    expect(health.replica).toMatchObject({ status: "lagging" });
    expect(health.replica!.lagSeconds).toBeGreaterThanOrEqual(1);

    // The heavy reads ran on the replica's own sessions; the primary served none of them.
    const replicaSessions = await onReplica(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'baton-replica'`);
    expect(replicaSessions.rows[0].n).toBeGreaterThan(0);
    const onPrimary = await onServer(urls.owner, (c) => c.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'baton-replica'`));
    expect(onPrimary.rows[0].n).toBe(0);

    // Replay resumes: the replica catches up, the decision shows, the note goes.
    await onReplica("SELECT pg_wal_replay_resume()");
    await caughtUp();
    const later = await searchAuditLog(team.as.auditor, { action: "task.*", limit: 200 });
    expect(later.data.some((e) => e.taskId === after.id)).toBe(true);
    expect(later.freshness).toEqual({ source: "replica", lagSeconds: 0, behind: false });
    const sodLater = await separationOfDutiesReport(team.as.auditor, {});
    expect(sodLater.scanned.decisions).toBe(sod.scanned.decisions + 1);
  });

  it("falls back to the primary when the replica is down, and counts it", { timeout: 60_000 }, async () => {
    const { makeTeam, groupTask } = await import("./helpers");
    const { searchAuditLog } = await import("@/lib/audit/service");
    const { kpiDashboard } = await import("@/lib/kpi/service");
    const { renderMetrics } = await import("@/lib/metrics/collect");
    const { checkDependencies } = await import("@/lib/health");

    stopCluster("replica");
    const team = await makeTeam();
    const task = await groupTask(team);

    const page = await searchAuditLog(team.as.auditor, { action: "task.created", limit: 200 });
    expect(page.freshness.source).toBe("primary");
    expect(page.data.some((e) => e.taskId === task.id)).toBe(true);
    // Left alone for DATABASE_REPLICA_RETRY_MS: the next heavy read goes straight to the primary.
    const dashboard = await kpiDashboard(team.as.admin, {});
    expect(dashboard.freshness.source).toBe("primary");

    const { body } = await renderMetrics();
    expect(body).toMatch(/^baton_db_replica_up 0$/m);
    expect(body).toMatch(/^baton_db_replica_lag_seconds nan$/im);
    expect(Number(/^baton_db_replica_fallbacks_total\{reason="error"\} (\S+)$/m.exec(body)?.[1])).toBeGreaterThanOrEqual(1);
    expect(Number(/^baton_db_replica_fallbacks_total\{reason="down"\} (\S+)$/m.exec(body)?.[1])).toBeGreaterThanOrEqual(1);
    const health = await checkDependencies();
    expect(health.ok).toBe(true);
    expect(health.replica).toMatchObject({ status: "down", lagSeconds: null });
  });
});
