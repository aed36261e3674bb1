// Baton on a Redis Cluster (ADR 049, docs/operations.md#redis-cluster): three redis-server nodes
// with cluster mode on, started by this test on free ports in a temp dir and joined with
// `redis-cli --cluster create` (no replicas), torn down afterwards. Everything runs with
// REDIS_CLUSTER_NODES, on this file's own database: a real worker process runs engine jobs end to
// end and fires an escalation timer (a BullMQ delayed job; the sweep that could stand in for it is
// put off); a live stream receives a decision over the cluster's pub/sub; the rate limiter, the
// sign-in throttle (a MULTI over several keys), the circuit breaker (a Lua script over three keys)
// and presence (one read per task) work — none hits CROSSSLOT. Each queue's keys share one hash
// slot, and the queues spread over the nodes.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { closeConnections, dropDatabase, ownDatabase } from "./databases";
import { freePort, killWorkerProcesses, readStreamText, startWorkerProcess, stopWorkerProcess } from "./worker-process";

const available = spawnSync("redis-server", ["--version"]).status === 0 && spawnSync("redis-cli", ["--version"]).status === 0;
const dir = mkdtempSync(path.join(os.tmpdir(), "baton-redis-cluster-"));
const servers: ChildProcess[] = [];
const ports: number[] = [];

async function accepting(port: number): Promise<boolean> {
  return new Promise((r) => {
    const s = net.connect(port, "127.0.0.1", () => {
      s.end();
      r(true);
    });
    s.on("error", () => r(false));
  });
}

const own = available ? await ownDatabase("cluster") : null;
if (available) {
  for (let i = 0; i < 3; i++) {
    const port = await freePort();
    const nodeDir = path.join(dir, String(port));
    mkdirSync(nodeDir);
    const args = ["--port", String(port), "--bind", "127.0.0.1", "--dir", nodeDir, "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000", "--save", "", "--appendonly", "no"];
    servers.push(spawn("redis-server", args, { stdio: "ignore" }));
    ports.push(port);
  }
  const until = Date.now() + 10_000;
  for (const port of ports) {
    while (!(await accepting(port))) {
      if (Date.now() > until) throw new Error(`redis-server did not start on ${port}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const created = spawnSync("redis-cli", ["--cluster", "create", ...ports.map((p) => `127.0.0.1:${p}`), "--cluster-replicas", "0", "--cluster-yes"], { encoding: "utf8", timeout: 30_000 });
  if (created.status !== 0) throw new Error(`redis-cli --cluster create failed:\n${created.stdout}\n${created.stderr}`);
  // Every node must know every slot before clients ask it.
  for (const port of ports) {
    const end = Date.now() + 20_000;
    for (;;) {
      const info = spawnSync("redis-cli", ["-p", String(port), "cluster", "info"], { encoding: "utf8" }).stdout;
      if (info.includes("cluster_state:ok")) break;
      if (Date.now() > end) throw new Error(`cluster not ok on ${port}:\n${info}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  // Seed nodes both ways an operator may write them.
  process.env.REDIS_CLUSTER_NODES = `127.0.0.1:${ports[0]},redis://127.0.0.1:${ports[1]}`;
  process.env.REDIS_URL = "redis://127.0.0.1:1"; // not used: nothing may fall back to it
}

afterAll(async () => {
  killWorkerProcesses();
  if (own) {
    const { closeLiveHub } = await import("@/lib/live/stream");
    await closeLiveHub();
    await closeConnections();
    await dropDatabase(own.owner);
  }
  await Promise.all(
    servers.map(async (s) => {
      if (s.exitCode !== null) return;
      const exited = new Promise((r) => s.once("exit", r));
      s.kill("SIGTERM");
      await exited;
    }),
  );
  rmSync(dir, { recursive: true, force: true });
});

/** Keys of this file's prefix on each node (SCAN per node: a cluster has no global key list). */
async function keysByNode(prefix: string): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>();
  for (const port of ports) {
    const node = new Redis(port, "127.0.0.1", { lazyConnect: true });
    await node.connect();
    const keys: string[] = [];
    let cursor = "0";
    do {
      const [next, batch] = await node.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== "0");
    out.set(port, keys);
    await node.quit();
  }
  return out;
}

describe.skipIf(!available)("on a three-node Redis Cluster", () => {
  it("the connection is a cluster client and queues take one hash-tagged slot each", async () => {
    const { redis, redisIsCluster } = await import("@/lib/redis");
    const { queuePrefix, QUEUES } = await import("@/lib/queues");
    expect(redisIsCluster()).toBe(true);
    expect((redis() as { isCluster?: boolean }).isCluster).toBe(true);
    expect(queuePrefix(QUEUES.engine)).toBe(`${own!.prefix}:{engine}`);
    expect(await redis().ping()).toBe("PONG");
  });

  it("engine jobs run end to end through a real worker process, and an escalation timer fires", { timeout: 150_000 }, async () => {
    const { makeTeam, db, uid, waitFor } = await import("./helpers");
    const { publishDefinition } = await import("@/lib/processes/service");
    const { startInstance } = await import("@/lib/engine");
    const { createTask } = await import("@/lib/tasks");
    const { QUEUES } = await import("@/lib/queues");

    // The escalation sweep (which could stand in for a lost timer) is put off: only the timer fires.
    const worker = await startWorkerProcess({ ESCALATION_SWEEP_MS: "600000", OUTBOX_SWEEP_MS: "500" });
    try {
      const team = await makeTeam();
      const key = `cluster-${uid()}`;
      await publishDefinition(team.as.admin, {
        key,
        name: "On the cluster",
        steps: [
          { id: "prep", kind: "set", assign: { a: 1 }, next: "stamp" },
          { id: "stamp", kind: "set", assign: { b: 2 }, next: "done" },
          { id: "done", kind: "end" },
        ],
      });
      const instances = await Promise.all(Array.from({ length: 5 }, (_, n) => startInstance(team.as.admin, key, { variables: { n } })));
      const ids = instances.map((i) => i.id);
      await waitFor("instances completed by the worker", async () => (await db().processInstance.count({ where: { id: { in: ids }, status: "COMPLETED" } })) === ids.length, 60_000);

      const created = Date.now();
      const task = await createTask(team.as.admin, {
        title: `Invoice ${uid()}`,
        assignee: team.users.alice.email,
        candidateGroup: team.group.key,
        dueIn: "PT1S",
        escalation: { levels: [{ after: "PT2S", action: "reassign", to: team.users.bob.email }] },
      });
      const level = await waitFor("the escalation timer fired", async () => (await db().taskEscalation.findFirst({ where: { taskId: task.id } })) ?? null, 30_000);
      expect(level.level).toBe(1);
      // Fired by its delayed job when due, not by a sweep (put off for ten minutes).
      expect(level.firedBy).toBe("timer");
      expect(level.firedAt.getTime() - created).toBeGreaterThanOrEqual(1900);
      expect(level.firedAt.getTime() - created).toBeLessThan(20_000);
      expect((await db().task.findUniqueOrThrow({ where: { id: task.id } })).assigneeId).toBe(team.users.bob.id);

      // Every queue's keys sit in one slot (its hash tag) on one node; the queues spread over
      // nodes. (Single keys — rate limits, presence, the loops' stamps — need no tag.)
      const byNode = await keysByNode(own!.prefix);
      const nodesOf = new Map<string, Set<number>>();
      for (const [port, keys] of byNode) {
        for (const k of keys) {
          const tag = /\{([^}]+)\}/.exec(k)?.[1];
          if (!tag) continue;
          if (!nodesOf.has(tag)) nodesOf.set(tag, new Set());
          nodesOf.get(tag)!.add(port);
        }
      }
      expect([...byNode.values()].flat().some((k) => k.startsWith(`${own!.prefix}:{engine}:engine:`))).toBe(true);
      for (const name of [QUEUES.engine, QUEUES.escalations, QUEUES.maintenance]) expect(nodesOf.get(name)?.size, name).toBe(1);
      for (const [tag, nodes] of nodesOf) expect(nodes.size, tag).toBe(1);
      const used = new Set([...nodesOf.values()].flatMap((s) => [...s]));
      expect(used.size).toBeGreaterThanOrEqual(2);
    } finally {
      await stopWorkerProcess(worker);
    }
  });

  it("a live stream receives a decision over the cluster's pub/sub", { timeout: 30_000 }, async () => {
    const { makeTeam, groupTask, waitFor } = await import("./helpers");
    const { claimTask, decideTask } = await import("@/lib/tasks");
    const { openLiveStream } = await import("@/lib/live/stream");
    const team = await makeTeam();
    const task = await groupTask(team);
    const abort = new AbortController();
    const stream = readStreamText(await openLiveStream(team.as.bob, abort.signal, { heartbeatMs: 1000 }), abort);
    try {
      // "ready" is sent once the subscription holds; an event published before it is not this stream's.
      await waitFor("the stream's subscription", async () => stream.has("event: ready"), 10_000);
      await claimTask(team.as.alice, task.id);
      await decideTask(team.as.alice, task.id, { outcome: "approve" });
      await waitFor("the decision on the stream", async () => stream.has(`"type":"task.decided","taskId":"${task.id}"`), 10_000);
    } finally {
      await stream.close();
    }
  });

  it("the rate limiter, the sign-in throttle, the circuit breaker and presence work across slots", { timeout: 30_000 }, async () => {
    const { makeTeam, groupTask, uid } = await import("./helpers");
    const { consumeClientRequest } = await import("@/lib/http/rate-limit");
    const { clearFailedLogins, lockedOutFor, recordFailedLogin } = await import("@/lib/identity/login-throttle");
    const { acquireBreaker, listBreakers, recordBreakerFailure, recordBreakerSuccess } = await import("@/lib/engine/circuit-breaker");
    const { heartbeat, viewersOfMany } = await import("@/lib/tasks/presence");
    const { env } = await import("@/lib/env");

    // Rate limiter: 3 a minute, the 4th refused (a Redis error would let it through instead).
    const limit = { bucket: `cluster-${uid()}`, points: 3, windowS: 60 };
    for (let i = 0; i < 3; i++) expect(await consumeClientRequest(limit, "10.1.2.3")).toMatchObject({ remaining: 2 - i });
    await expect(consumeClientRequest(limit, "10.1.2.3")).rejects.toMatchObject({ code: "RATE_LIMITED" });

    // Sign-in throttle: one MULTI over the pair's, the account's and the client's keys.
    const email = `cluster-${uid()}@test.local`;
    expect(await lockedOutFor(email, "10.9.9.9")).toBe(0);
    let lock = 0;
    for (let i = 0; i < 5; i++) lock = await recordFailedLogin(email, "10.9.9.9");
    expect(lock).toBe(30);
    expect(await lockedOutFor(email, "10.9.9.9")).toBeGreaterThan(0);
    await clearFailedLogins(email, "10.9.9.9");
    expect(await lockedOutFor(email, "10.9.9.9")).toBe(0);

    // Circuit breaker: a Lua script over a host's two keys and the set of hosts.
    const host = `cluster-${uid()}.test:443`;
    let state = "";
    for (let i = 0; i < env().CIRCUIT_FAILURE_THRESHOLD; i++) state = await recordBreakerFailure(host, "boom");
    expect(state).toBe("opened");
    expect((await acquireBreaker(host, 1000)).allowed).toBe(false);
    expect((await listBreakers()).find((b) => b.host === host)).toMatchObject({ state: "open" });
    await recordBreakerSuccess(host);
    expect((await listBreakers()).find((b) => b.host === host)).toMatchObject({ state: "closed" });

    // Presence: the viewers of several tasks (keys in different slots) in one call.
    const team = await makeTeam();
    const tasks = await Promise.all([groupTask(team), groupTask(team), groupTask(team)]);
    for (const t of tasks) await heartbeat(team.as.alice, t.id);
    const viewers = await viewersOfMany(team.as.bob, { taskIds: tasks.map((t) => t.id).join(",") });
    for (const t of tasks) expect(viewers[t.id]?.map((v) => v.id)).toEqual([team.users.alice.id]);
  });
});
