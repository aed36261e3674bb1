// The one transaction type (lib/db/tx.ts, ADR 016, ADR 020): batched writes go as one statement,
// a failed guard writes nothing and the function runs again unbatched, reads flush the writes
// before them; audit entries, outbox rows and after-commit hooks belong to the transaction.
// Real PostgreSQL, on a table of this test's own.
import { beforeAll, describe, expect, it } from "vitest";
import { query, sql, transaction, type Tx } from "@/lib/db";
import { queue, QUEUES } from "@/lib/queues";
import { db, makeTeam, ownerDb, uid } from "./helpers";

beforeAll(async () => {
  // DDL is the owner's (ADR 025); the owner's default privileges let the application role use it.
  await ownerDb().$executeRawUnsafe(`CREATE TABLE IF NOT EXISTS "SqlTxProbe" ("id" text PRIMARY KEY, "n" int NOT NULL, "version" int NOT NULL DEFAULT 1)`);
});

const insert = (tx: Tx, id: string, n: number, onRows?: (r: unknown[]) => void) =>
  tx.write(sql`INSERT INTO "SqlTxProbe" ("id", "n") VALUES (${id}, ${n})`, { returning: sql`"id", "n"`, expect: 1, onRows, key: `SqlTxProbe:${id}` });
const bump = (tx: Tx, id: string, version: number) =>
  tx.write(sql`UPDATE "SqlTxProbe" SET "n" = "n" + 1, "version" = "version" + 1 WHERE "id" = ${id} AND "version" = ${version}::int`, {
    expect: 1,
    stale: () => new Error(`probe ${id} moved`),
    key: `SqlTxProbe:${id}`,
  });
const seed = (id: string) => query(sql`INSERT INTO "SqlTxProbe" ("id", "n") VALUES (${id}, 1)`);
const probe = async (id: string) => (await query<{ n: number; version: number }>(`SELECT "n", "version" FROM "SqlTxProbe" WHERE "id" = $1`, [id]))[0] ?? null;

describe("batched transactions", () => {
  it("a transaction that only writes commits them as one statement (no BEGIN) and hands each its RETURNING rows", async () => {
    const [a, b] = [uid(), uid()];
    await seed(a);
    let seen: unknown[] = [];
    let tx!: Tx;
    await transaction(
      async (t) => {
        tx = t;
        await bump(t, a, 1);
        await insert(t, b, 7, (r) => (seen = r));
        // Nothing has reached PostgreSQL yet.
        expect(await probe(b)).toBeNull();
      },
      { batched: true },
    );
    expect(tx.begun).toBe(false);
    expect(seen).toEqual([{ id: b, n: 7 }]);
    expect(await probe(a)).toEqual({ n: 2, version: 2 });
    expect(await probe(b)).toMatchObject({ n: 7 });
  });

  it("a guard that matches no row writes nothing, the other writes included, and the function runs again unbatched where the guard's own error surfaces", async () => {
    const [a, b] = [uid(), uid()];
    await seed(a);
    const runs: boolean[] = [];
    const attempt = transaction(
      async (t) => {
        runs.push(t.batched);
        await insert(t, b, 7);
        await bump(t, a, 5); // the version is 1: stale
      },
      { batched: true },
    );
    await expect(attempt).rejects.toThrow(`probe ${a} moved`);
    expect(runs).toEqual([true, false]);
    expect(await probe(a)).toEqual({ n: 1, version: 1 });
    expect(await probe(b)).toBeNull();
  });

  it("the first read (or a second write of one row) sends BEGIN and the writes so far, in order; later reads see the writes before them", async () => {
    const [a, b] = [uid(), uid()];
    let tx!: Tx;
    await transaction(
      async (t) => {
        tx = t;
        await insert(t, a, 1);
        expect(t.begun).toBe(false);
        // A second write of the same row: the first is sent (after BEGIN), or the UPDATE would not see it.
        await bump(t, a, 1);
        expect(t.begun).toBe(true);
        const [row] = await t.query<{ n: number }>(sql`SELECT "n" FROM "SqlTxProbe" WHERE "id" = ${a}`);
        expect(row).toEqual({ n: 2 });
        await insert(t, b, 3);
        const [again] = await t.query<{ n: number }>(sql`SELECT "n" FROM "SqlTxProbe" WHERE "id" = ${b}`);
        expect(again).toEqual({ n: 3 });
      },
      { batched: true },
    );
    expect(tx.begun).toBe(true);
    expect(await probe(a)).toEqual({ n: 2, version: 2 });
    expect(await probe(b)).toMatchObject({ n: 3 });
  });

  it("a lookup before anything was sent runs on its own: no BEGIN, the waiting writes still wait and go as one statement", async () => {
    const [a, b, other] = [uid(), uid(), uid()];
    await seed(a);
    await seed(other);
    let tx!: Tx;
    await transaction(
      async (t) => {
        tx = t;
        await bump(t, a, 1);
        // Reads a row the transaction does not write; the bump above has not been sent.
        const [row] = await t.lookup<{ n: number }>(sql`SELECT "n" FROM "SqlTxProbe" WHERE "id" = ${other}`);
        expect(row).toEqual({ n: 1 });
        expect(t.begun).toBe(false);
        expect(await probe(a)).toEqual({ n: 1, version: 1 });
        await insert(t, b, 4);
      },
      { batched: true },
    );
    expect(tx.begun).toBe(false);
    expect(await probe(a)).toEqual({ n: 2, version: 2 });
    expect(await probe(b)).toMatchObject({ n: 4 });
  });

  it("a lookup once the transaction has begun is an ordinary read in it, after the writes before it", async () => {
    const a = uid();
    await transaction(
      async (t) => {
        await t.query(sql`SELECT 1`);
        await insert(t, a, 9);
        const [row] = await t.lookup<{ n: number }>(sql`SELECT "n" FROM "SqlTxProbe" WHERE "id" = ${a}`);
        expect(row).toEqual({ n: 9 });
      },
      { batched: true },
    );
  });

  it("a failed guard flushed by a read rolls back what was sent before it, too", async () => {
    const [a, b] = [uid(), uid()];
    await seed(a);
    const attempt = transaction(
      async (t) => {
        await insert(t, b, 9);
        await bump(t, a, 3);
        await t.query(sql`SELECT 1`);
      },
      { batched: true },
    );
    await expect(attempt).rejects.toThrow(`probe ${a} moved`);
    expect(await probe(b)).toBeNull();
  });
});

describe("what a transaction owns", () => {
  const actor = { type: "SYSTEM" as const, id: null, name: "db-tx test" };

  it("audit entries and outbox rows commit with the change, in one statement when batched, and the jobs are handed over after it", async () => {
    const [a, subject] = [uid(), uid()];
    const jobId = `task-created.${subject}`;
    let tx!: Tx;
    await transaction(
      async (t) => {
        tx = t;
        await insert(t, a, 1);
        t.audit(actor, { action: "it.first", subjectType: "test", subjectId: subject });
        t.audit(actor, { action: "it.second", subjectType: "test", subjectId: subject, after: { n: 1 } });
        t.enqueue({ queue: QUEUES.notifications, name: "task-created", jobId, payload: { taskId: subject } });
      },
      { batched: true },
    );
    expect(tx.begun).toBe(false);
    const entries = await query<{ action: string; after: unknown }>(`SELECT "action", "after" FROM "AuditEntry" WHERE "subjectId" = $1 ORDER BY "seq"`, [subject]);
    expect(entries).toEqual([
      { action: "it.first", after: null },
      { action: "it.second", after: { n: 1 } },
    ]);
    expect(tx.written.map((m) => m.jobId)).toEqual([jobId]);
    expect(await queue(QUEUES.notifications).getJob(jobId)).toMatchObject({ id: jobId, data: { taskId: subject } });
  });

  it("queryWhole sends a transaction's one statement without BEGIN, hands over the outbox rows it wrote, and refuses anything after it", async () => {
    const [a, jobId] = [uid(), `task-created.${uid()}`];
    let tx!: Tx;
    const rows = await transaction(async (t) => {
      tx = t;
      const [out] = await t.queryWhole<{ n: number; jobs: { id: number; queue: string; jobName: string; jobId: string; payload: object; availableAt: null }[] }>(
        sql`WITH p AS (INSERT INTO "SqlTxProbe" ("id", "n") VALUES (${a}, 3) RETURNING "n"),
                 j AS (INSERT INTO "OutboxMessage" ("queue", "jobName", "jobId", "payload") VALUES (${QUEUES.notifications}, 'task-created', ${jobId}, ${JSON.stringify({ taskId: a })}::jsonb)
                       RETURNING "id", "queue", "jobName", "jobId", "payload", "availableAt")
            SELECT (SELECT "n" FROM p) AS "n", (SELECT json_agg(j) FROM j) AS "jobs"`,
      );
      t.handOver(out!.jobs);
      return out;
    });
    expect(tx.begun).toBe(false);
    expect(rows!.n).toBe(3);
    expect(await probe(a)).toMatchObject({ n: 3 });
    expect(await queue(QUEUES.notifications).getJob(jobId)).toMatchObject({ id: jobId, data: { taskId: a } });

    // The statement committed on its own: a write after it would be a second transaction, so it is refused.
    const b = uid();
    await expect(
      transaction(async (t) => {
        await t.queryWhole(sql`INSERT INTO "SqlTxProbe" ("id", "n") VALUES (${b}, 1) RETURNING "n"`);
        t.audit(actor, { action: "it.after_whole", subjectType: "test", subjectId: b });
      }),
    ).rejects.toThrow("nothing may follow it");
    // After anything else has been sent, it is an ordinary statement of the transaction.
    const c = uid();
    await expect(
      transaction(async (t) => {
        await t.query(sql`INSERT INTO "SqlTxProbe" ("id", "n") VALUES (${c}, 1)`);
        await t.queryWhole(sql`UPDATE "SqlTxProbe" SET "n" = 2 WHERE "id" = ${c} RETURNING "n"`);
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect(await probe(c)).toBeNull();
  });

  it("a rollback writes no entry and no job, and runs no after-commit hook; a commit runs them in order", async () => {
    const subject = uid();
    const ran: string[] = [];
    await expect(
      transaction(async (t) => {
        t.audit(actor, { action: "it.rolled_back", subjectType: "test", subjectId: subject });
        t.enqueue({ queue: QUEUES.notifications, name: "task-created", jobId: `rolled-back.${subject}`, payload: { taskId: subject } });
        t.afterCommit(() => ran.push("never"));
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    expect(await query(`SELECT 1 FROM "AuditEntry" WHERE "subjectId" = $1`, [subject])).toEqual([]);
    expect(await query(`SELECT 1 FROM "OutboxMessage" WHERE "jobId" = $1`, [`rolled-back.${subject}`])).toEqual([]);
    await transaction(async (t) => {
      t.afterCommit(() => ran.push("first"));
      t.afterCommit(() => {
        throw new Error("a failing hook is logged");
      });
      t.afterCommit(() => ran.push("third"));
    });
    expect(ran).toEqual(["first", "third"]);
  });

  it("insert fills the columns the ORM filled (cuid id, createdAt, @updatedAt) and update sets updatedAt", async () => {
    const name = `filter-${uid()}`;
    const user = (await makeTeam()).users.alice;
    const row = await transaction(async (t) => t.insert("SavedFilter", { userId: user.id, name, query: "view=mine" }), { batched: true });
    expect(row.id).toMatch(/^c[0-9a-z]{24}$/);
    const [stored] = await query<{ id: string; createdAt: Date }>(`SELECT "id", "createdAt" FROM "SavedFilter" WHERE "name" = $1`, [name]);
    expect(stored).toEqual({ id: row.id, createdAt: row.createdAt });
    const before = await db().user.findUniqueOrThrow({ where: { id: user.id } });
    await transaction(async (t) => t.update("User", { timeZone: before.timeZone }, sql`"id" = ${user.id}`));
    const after = await db().user.findUniqueOrThrow({ where: { id: user.id } });
    expect(after.updatedAt.getTime()).toBeGreaterThan(before.updatedAt.getTime());
  });
});
