// Shared builders for the integration suites. Every test makes its own people, groups and tasks
// (random e-mails and keys), so the files can share one database without seeing each other's rows.
import { randomUUID } from "node:crypto";
import { createServer } from "node:net";
import { Worker } from "bullmq";
import { expect } from "vitest";
import { env } from "@/lib/env";
import { QUEUES } from "@/lib/queues";
import { createRedis, redis, redisKey } from "@/lib/redis";
import { processEngineJob } from "@/workers/processors/engine";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { prismaClient as db, query, transaction, type AuditActor, type AuditInput } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { dispatchOutbox } from "@/lib/db";
import { createApiToken } from "@/lib/identity/service";
import { permissionsFor, type RoleName } from "@/lib/identity/permissions";
import type { CreateTaskInput } from "@/lib/tasks/schemas";
import { createTask } from "@/lib/tasks";
import { createGroup, createUser, userActor } from "@/prisma/factories";

export { db };

const owner = globalThis as unknown as { batonOwnerDb?: PrismaClient };
/**
 * The ORM client connected as the owner of the tables (DATABASE_OWNER_URL; ADR 025), for fixtures
 * that need more than the application role may do: DDL, injected faults, tampering on purpose.
 * Everything else uses `db()`, the application's own role. Closed by the integration setup.
 */
export function ownerDb(): PrismaClient {
  const url = process.env.DATABASE_OWNER_URL;
  if (!url) throw new Error("DATABASE_OWNER_URL is not set: run the integration tests with `npm test`");
  owner.batonOwnerDb ??= new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: 2 }) });
  return owner.batonOwnerDb;
}

/** Appends one audit entry in a transaction of its own (as any change would) and returns its seq. */
export async function appendEntry(actor: AuditActor, input: AuditInput): Promise<{ seq: bigint }> {
  await transaction(async (tx) => tx.audit(actor, input));
  const [row] = await query<{ seq: bigint }>(`SELECT max("seq") AS "seq" FROM "AuditEntry" WHERE "action" = $1 AND "subjectId" = $2`, [input.action, input.subjectId]);
  return { seq: BigInt(row!.seq) };
}

export function uid(): string {
  return randomUUID().slice(0, 8);
}

/** An admin, a supervisor, an auditor, three members in one group and one outside it. */
export async function makeTeam() {
  const prisma = db();
  const [admin, supervisor, auditor, alice, bob, carol, outsider] = await Promise.all([
    createUser(prisma, { role: "ADMIN", name: "Admin" }),
    createUser(prisma, { role: "SUPERVISOR", name: "Supervisor" }),
    createUser(prisma, { role: "AUDITOR", name: "Auditor" }),
    createUser(prisma, { name: "Alice" }),
    createUser(prisma, { name: "Bob" }),
    createUser(prisma, { name: "Carol" }),
    createUser(prisma, { name: "Outsider" }),
  ]);
  const group = await createGroup(prisma, { memberIds: [alice.id, bob.id, carol.id], supervisorId: supervisor.id });
  return {
    group,
    users: { admin, supervisor, auditor, alice, bob, carol, outsider },
    as: {
      admin: userActor(admin),
      supervisor: userActor(supervisor),
      auditor: userActor(auditor),
      alice: userActor(alice),
      bob: userActor(bob),
      carol: userActor(carol),
      outsider: userActor(outsider),
    },
  };
}
export type Team = Awaited<ReturnType<typeof makeTeam>>;

/**
 * A task in the team's group queue, created by the supervisor unless `input` says otherwise; by the
 * admin when it names a requester (on someone's behalf needs tasks:create_on_behalf).
 */
export function groupTask(team: Team, input: Partial<CreateTaskInput> = {}) {
  return createTask(input.requestedBy ? team.as.admin : team.as.supervisor, { title: `Approve invoice ${uid()}`, candidateGroup: team.group.key, ...input });
}

export async function auditFor(taskId: string) {
  return db().auditEntry.findMany({ where: { taskId }, orderBy: { seq: "asc" } });
}

/** The CLI's actor (npm run token): may name any owner. */
export const cliActor = { type: "SYSTEM" as const, id: null, name: "cli:test", role: "ADMIN" as const, permissions: permissionsFor("ADMIN") };

/** An API token made by the team's admin, acting for the admin — or for `owner` (issued as the CLI would). */
export async function tokenFor(team: Team, role: RoleName, extra: { scopes?: string[]; expiresInDays?: number; owner?: keyof Team["users"] } = {}) {
  const { owner, ...rest } = extra;
  const name = `it-${role.toLowerCase()}-${uid()}`;
  if (owner) return createApiToken(cliActor, { name, role, ...rest, owner: team.users[owner].id });
  return createApiToken(team.as.admin, { name, role, ...rest });
}

/** Settles every promise and returns what each did, for race tests. */
export async function settle<T>(promises: Promise<T>[]) {
  return Promise.allSettled(promises);
}

/** The AppError a call rejects with (fails the test if it resolves or throws something else). */
export async function appError(p: Promise<unknown>): Promise<AppError> {
  const result = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(result).toBeInstanceOf(AppError);
  return result as AppError;
}

/**
 * Polls until `fn` returns something truthy. Dispatches the outbox between polls, because the
 * worker's sweep does not run inside the tests.
 */
export async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await dispatchOutbox().catch(() => undefined);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A BullMQ worker of the engine queue in this process, on this run's prefix (close it in afterAll). */
export async function startEngineWorker(concurrency = 4): Promise<Worker> {
  const connection = createRedis({ forWorker: true });
  const worker = new Worker(QUEUES.engine, processEngineJob, { connection, prefix: env().REDIS_PREFIX, concurrency });
  worker.on("error", () => undefined);
  worker.on("closed", () => void connection.quit().catch(() => undefined));
  return worker;
}

/**
 * A failed job in the maintenance queue (no worker runs in the integration suites): taken with a
 * manual worker and failed with its lock token, as BullMQ documents for manual processing.
 */
export async function failedMaintenanceJob(): Promise<string> {
  const { Worker } = await import("bullmq");
  const { queue, QUEUES } = await import("@/lib/queues");
  const { createRedis } = await import("@/lib/redis");
  const { env } = await import("@/lib/env");
  const jobId = `cov-fail-${randomUUID()}`;
  // First in line (lifo): other tests leave jobs in this queue, which nobody works off here.
  await queue(QUEUES.maintenance).add("refresh-kpis", { test: jobId }, { jobId, attempts: 1, lifo: true });
  const connection = createRedis({ forWorker: true });
  const worker = new Worker(QUEUES.maintenance, null, { connection, prefix: env().REDIS_PREFIX, autorun: false });
  worker.on("error", () => undefined);
  try {
    const token = randomUUID();
    for (let i = 0; i < 20; i++) {
      const job = await worker.getNextJob(token);
      if (!job) break;
      await job.moveToFailed(new Error(job.id === jobId ? "test: the job failed" : "test: drained"), token, false);
      if (job.id === jobId) return jobId;
    }
    throw new Error("the test job never became active");
  } finally {
    await worker.close();
    await connection.quit().catch(() => undefined);
  }
}

// Injected faults: a trigger that makes an INSERT into `table` fail while `when` (SQL on NEW)
// holds. Call dropFaults() after each test (afterEach) to remove them.
const faults: string[] = [];
export async function failInsertsInto(table: "AuditEntry" | "OutboxMessage" | "Task", when: string): Promise<void> {
  const name = `baton_test_fault_${uid()}`;
  await ownerDb().$executeRawUnsafe(`CREATE FUNCTION ${name}() RETURNS trigger AS $$ BEGIN IF ${when} THEN RAISE EXCEPTION 'injected fault'; END IF; RETURN NEW; END; $$ LANGUAGE plpgsql`);
  await ownerDb().$executeRawUnsafe(`CREATE TRIGGER ${name} BEFORE INSERT ON "${table}" FOR EACH ROW EXECUTE FUNCTION ${name}()`);
  faults.push(`DROP TRIGGER IF EXISTS ${name} ON "${table}"`, `DROP FUNCTION IF EXISTS ${name}()`);
}
export async function dropFaults(): Promise<void> {
  for (const sql of faults.splice(0)) await ownerDb().$executeRawUnsafe(sql);
}

/** A TCP port free on 127.0.0.1 now (for a server a test spawns). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
    probe.on("error", reject);
  });
}

/**
 * Forgets what the public routes' per-client limits counted so far in this run: every suite that
 * calls them over a socket comes from 127.0.0.1, so one suite's calls (the fuzz) would spend the
 * next one's budget.
 */
export async function resetClientRateLimits(): Promise<void> {
  const keys = await redis().keys(`${redisKey("ratelimit", "client")}:*`);
  if (keys.length) await redis().del(...keys);
}
