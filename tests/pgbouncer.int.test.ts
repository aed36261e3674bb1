// Baton behind PgBouncer in transaction pooling mode (docs/operations.md): Debian's pgbouncer 1.18,
// started by this test on a port of its own, in front of this run's database, with fewer server
// connections than the app's pool has clients. First the reason for DB_PREPARED_STATEMENTS: with
// 1.18 a named prepared statement lives on one server connection and the next transaction may get
// another ("prepared statement … does not exist"). Then Baton's hot paths — create, list, claim and
// decide tasks, start an instance and run it to its end through the engine worker, seal the audit
// chain — all through the bouncer with DB_PREPARED_STATEMENTS=false, many at once.
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "./worker-process";

const PGBOUNCER = ["/usr/sbin/pgbouncer", "/usr/bin/pgbouncer"].find((p) => existsSync(p));
const direct = new URL(process.env.DATABASE_URL!);
let bouncer: ChildProcess | null = null;
const dir = mkdtempSync(path.join(os.tmpdir(), "baton-pgbouncer-"));
let through = direct;

if (PGBOUNCER) {
  const port = await freePort();
  const ini = path.join(dir, "pgbouncer.ini");
  const db = decodeURIComponent(direct.pathname.slice(1));
  writeFileSync(
    ini,
    [
      "[databases]",
      `${db} = host=${direct.hostname} port=${direct.port || 5432} dbname=${db} user=${decodeURIComponent(direct.username)} password=${decodeURIComponent(direct.password)}`,
      "[pgbouncer]",
      "listen_addr = 127.0.0.1",
      `listen_port = ${port}`,
      "auth_type = any",
      "pool_mode = transaction",
      // Fewer server connections than clients: transactions of different clients share them.
      "default_pool_size = 3",
      "max_client_conn = 200",
      // node-postgres sends these at start-up; PgBouncer refuses parameters it does not know.
      "ignore_startup_parameters = extra_float_digits,idle_in_transaction_session_timeout",
      `unix_socket_dir = ${dir}`,
    ].join("\n"),
  );
  chmodSync(dir, 0o755);
  // PgBouncer refuses to run as root: -u drops to an unprivileged user.
  const started = spawn(PGBOUNCER, process.getuid?.() === 0 ? ["-u", "nobody", ini] : [ini], { stdio: ["ignore", "ignore", "pipe"] });
  bouncer = started;
  let err = "";
  started.stderr!.on("data", (b: Buffer) => (err += b.toString()));
  const until = Date.now() + 10_000;
  while (!(await new Promise<boolean>((r) => net.connect(port, "127.0.0.1").on("connect", function (this: net.Socket) { this.end(); r(true); }).on("error", () => r(false))))) {
    if (started.exitCode !== null || Date.now() > until) throw new Error(`pgbouncer did not start: ${err}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  through = new URL(direct);
  through.port = String(port);
  // Everything this file's code does goes through the bouncer, without named statements.
  process.env.DATABASE_URL = through.toString();
  process.env.DB_PREPARED_STATEMENTS = "false";
}

const { db, groupTask, makeTeam, startEngineWorker, uid } = await import("./helpers");
const { claimTask, decideTask, listTasks } = await import("@/lib/tasks");
const { publishDefinition } = await import("@/lib/processes/service");
const { startInstance } = await import("@/lib/engine");
const { dispatchOutbox, query } = await import("@/lib/db");
const { sealAll } = await import("@/lib/audit/sealer");

afterAll(async () => {
  const { disconnectDb } = await import("@/lib/db");
  await disconnectDb();
  if (bouncer && bouncer.exitCode === null) {
    const exited = new Promise((r) => bouncer!.once("exit", r));
    bouncer.kill("SIGTERM");
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!PGBOUNCER)("behind PgBouncer 1.18 in transaction pooling mode", () => {
  it("named prepared statements break: a name prepared on one server connection is missing on another", async () => {
    const pool = new pg.Pool({ connectionString: through.toString(), max: 8 });
    try {
      const results = await Promise.allSettled(
        Array.from({ length: 40 }, (_, i) => pool.query({ name: "baton_named_probe", text: "SELECT $1::int AS n", values: [i] })),
      );
      const failures = results.filter((r) => r.status === "rejected").map((r) => String((r as PromiseRejectedResult).reason));
      expect(failures.length).toBeGreaterThan(0);
      expect(failures.join("\n")).toMatch(/prepared statement "baton_named_probe" (does not exist|already exists)/);
    } finally {
      await pool.end();
    }
  });

  it("the hot paths work, many at once, with DB_PREPARED_STATEMENTS=false", { timeout: 120_000 }, async () => {
    // Proof that this file's own pool goes through the bouncer: PgBouncer answers SHOW commands.
    const admin = new pg.Client({ connectionString: (() => { const u = new URL(through); u.pathname = "/pgbouncer"; return u.toString(); })() });
    admin.on("error", () => undefined);
    await admin.connect();
    try {
      await hotPaths();
      // The bouncer served them: its own counters saw the transactions.
      const stats = (await admin.query("SHOW STATS")).rows.find((r) => r.database === decodeURIComponent(direct.pathname.slice(1)));
      expect(Number(stats.total_xact_count)).toBeGreaterThan(50);
    } finally {
      await admin.end().catch(() => undefined);
    }
  });
});

async function hotPaths() {
    const team = await makeTeam();
    const tasks = await Promise.all(Array.from({ length: 12 }, () => groupTask(team)));
    // Every statement twice and more: unnamed, so any server connection can run it.
    for (let round = 0; round < 2; round++) {
      const page = await listTasks(team.as.alice, { view: "group", limit: 50 });
      expect(page.data.length).toBeGreaterThanOrEqual(12 - round * 6);
      await Promise.all(tasks.slice(round * 6, round * 6 + 6).map(async (t, i) => {
        const who = i % 2 ? team.as.alice : team.as.bob;
        await claimTask(who, t.id);
        await decideTask(who, t.id, { outcome: "approve" });
      }));
    }
    expect(await db().task.count({ where: { id: { in: tasks.map((t) => t.id) }, status: "DECIDED" } })).toBe(12);

    const key = `bouncer-${uid()}`;
    await publishDefinition(team.as.admin, {
      key,
      name: "Through the bouncer",
      steps: [
        { id: "prep", kind: "set", assign: { a: 1 }, next: "stamp" },
        { id: "stamp", kind: "set", assign: { b: 2 }, next: "done" },
        { id: "done", kind: "end" },
      ],
    });
    const worker = await startEngineWorker(8);
    try {
      const instances = await Promise.all(Array.from({ length: 10 }, (_, n) => startInstance(team.as.admin, key, { variables: { n } })));
      const ids = instances.map((i) => i.id);
      const until = Date.now() + 60_000;
      for (;;) {
        await dispatchOutbox();
        if ((await db().processInstance.count({ where: { id: { in: ids }, status: "COMPLETED" } })) === ids.length) break;
        if (Date.now() > until) throw new Error("instances did not complete through the bouncer");
        await new Promise((r) => setTimeout(r, 200));
      }
    } finally {
      await worker.close();
    }
    expect(await sealAll()).toBeGreaterThan(0);
    const [unsealed] = await query<{ n: number }>(`SELECT count(*)::int AS n FROM "AuditEntry" WHERE "chainIndex" IS NULL`);
    expect(unsealed!.n).toBe(0);
}
