// Issue 19, point 2: Idempotency-Key that cannot stick or double. The key's record is written in
// the request's own transaction (with the effect), and an attempt in progress holds the key only
// for a lease. A web process killed mid-create leaves nothing stuck: a retry within the lease is
// told to wait (409 + Retry-After), one after it creates the task exactly once; a create that
// failed after its effect was written keeps nothing, so its retry creates exactly one task.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startApiServer, type ApiServer } from "./api-server";
import { db, freePort, makeTeam, ownerDb, tokenFor, uid, type Team } from "./helpers";

let team: Team;
let token: string;
let server: ApiServer;
const cleanup: string[] = [];
beforeAll(async () => {
  team = await makeTeam();
  token = (await tokenFor(team, "SUPERVISOR")).token;
  server = await startApiServer();
});
afterAll(() => server.close());
afterEach(async () => {
  for (const statement of cleanup.splice(0)) await ownerDb().$executeRawUnsafe(statement);
});

/** A trigger `when` (SQL on NEW) holds for: `action` (PL/pgSQL) runs before the row is written. */
async function onWrite(table: string, event: "INSERT" | "UPDATE", when: string, action: string): Promise<void> {
  const name = `baton_test_idem_${uid()}`;
  await ownerDb().$executeRawUnsafe(`CREATE FUNCTION ${name}() RETURNS trigger AS $$ BEGIN IF ${when} THEN ${action}; END IF; RETURN NEW; END; $$ LANGUAGE plpgsql`);
  await ownerDb().$executeRawUnsafe(`CREATE TRIGGER ${name} BEFORE ${event} ON "${table}" FOR EACH ROW EXECUTE FUNCTION ${name}()`);
  cleanup.push(`DROP TRIGGER IF EXISTS ${name} ON "${table}"`, `DROP FUNCTION IF EXISTS ${name}()`);
}

function create(base: string, title: string, key: string): Promise<Response> {
  return fetch(`${base}/api/v1/tasks`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "idempotency-key": key },
    body: JSON.stringify({ title, candidateGroup: team.group.key }),
  });
}

const tasksTitled = (title: string) => db().task.count({ where: { title } });

describe("Idempotency-Key", () => {
  it("a create that failed after writing its task keeps nothing: the retry creates exactly one", async () => {
    const title = `committed-then-failed ${uid()}`;
    const key = `cf-${uid()}`;
    // The answer cannot be stored: the request fails after the task's own transaction committed.
    await onWrite("IdempotencyRecord", "UPDATE", `NEW."key" = '${key}' AND NEW."status" > 0`, "RAISE EXCEPTION 'injected fault'");
    const failed = await create(server.url, title, key);
    expect(failed.status).toBe(500);
    expect(await tasksTitled(title)).toBe(0);
    for (const statement of cleanup.splice(0)) await ownerDb().$executeRawUnsafe(statement);

    const retry = await create(server.url, title, key);
    expect(retry.status).toBe(201);
    const created = (await retry.json()) as { id: string };
    const replay = await create(server.url, title, key);
    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.headers.get("etag")).toBe(retry.headers.get("etag"));
    expect(((await replay.json()) as { id: string }).id).toBe(created.id);
    expect(await tasksTitled(title)).toBe(1);
  });

  it("a replay of a stored answer needs no new effect, and a concurrent duplicate is told to wait", async () => {
    const title = `concurrent ${uid()}`;
    const key = `cc-${uid()}`;
    await onWrite("Task", "INSERT", `NEW."title" = '${title}'`, "PERFORM pg_sleep(0.5)");
    const [a, b] = await Promise.all([create(server.url, title, key), new Promise((r) => setTimeout(r, 100)).then(() => create(server.url, title, key))]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    const busy = a.status === 409 ? a : b;
    expect(Number(busy.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await tasksTitled(title)).toBe(1);
  });
});

describe("a web process killed mid-create", () => {
  let child: ChildProcess | undefined;
  // tsx runs server.ts in a process of its own: the whole group is killed, as a crash would.
  const killGroup = () => {
    try {
      if (child?.pid) process.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
  };
  afterAll(killGroup);

  it("leaves the key usable after its lease: the retry creates exactly one task and replays it", async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const leaseMs = 3000;
    let stderr = "";
    // API only (no Next.js): nothing here needs a page, and a `next dev` would contend for the
    // checkout's .next/dev lock with tests/web-server.int.test.ts in the other shard.
    child = spawn(path.resolve("node_modules/.bin/tsx"), ["server.ts", "--api-only", "-p", String(port), "-H", "127.0.0.1"], {
      env: { ...process.env, NODE_ENV: "development", LOG_LEVEL: "warn", IDEMPOTENCY_LEASE_MS: String(leaseMs) },
      stdio: ["ignore", "ignore", "pipe"],
      detached: true,
    });
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const until = Date.now() + 120_000;
    while (!(await fetch(`${base}/api/v1/openapi.json`).then((r) => r.ok, () => false))) {
      if (child.exitCode !== null) throw new Error(`server.ts exited ${child.exitCode}: ${stderr}`);
      if (Date.now() > until) throw new Error(`server.ts did not answer within 120 s: ${stderr}`);
      await new Promise((r) => setTimeout(r, 250));
    }

    const title = `killed mid-create ${uid()}`;
    const key = `kill-${uid()}`;
    // The create is held inside its INSERT while the process is killed.
    await onWrite("Task", "INSERT", `NEW."title" = '${title}'`, "PERFORM pg_sleep(1.5)");
    const inFlight = create(base, title, key).then(
      (r) => r.status,
      () => "no answer",
    );
    await new Promise((r) => setTimeout(r, 700));
    const exited = new Promise((r) => child!.once("exit", r));
    killGroup();
    await exited;
    expect(await inFlight).toBe("no answer");
    for (const statement of cleanup.splice(0)) await ownerDb().$executeRawUnsafe(statement);

    // Within the lease: the key is still held (the dead attempt might be running).
    const early = await create(server.url, title, key);
    expect(early.status).toBe(409);
    expect(Number(early.headers.get("retry-after"))).toBeGreaterThan(0);

    // After it: the key is taken over, the task created once; every further retry replays that answer.
    let retry: Response = early;
    const deadline = Date.now() + leaseMs + 10_000;
    while (retry.status === 409 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      retry = await create(server.url, title, key);
    }
    expect(retry.status).toBe(201);
    const first = (await retry.json()) as { id: string };
    const again = await create(server.url, title, key);
    expect(again.status).toBe(201);
    expect(((await again.json()) as { id: string }).id).toBe(first.id);
    expect(await tasksTitled(title)).toBe(1);
  }, 180_000);
});

