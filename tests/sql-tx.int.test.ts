// Batched PgTx (lib/sql-tx.ts, ADR 016): a transaction that only writes commits as one statement;
// a guard that matches no row writes nothing (BatchConflict); the first read sends BEGIN and the
// writes so far, in order. Real PostgreSQL, on a table of this test's own.
import { beforeAll, describe, expect, it } from "vitest";
import { Prisma } from "@/lib/db";
import { query } from "@/lib/pg";
import { BatchConflict, pgTransaction, rows, write, type PgTx } from "@/lib/sql-tx";
import { db, uid } from "./helpers";

beforeAll(async () => {
  await db().$executeRawUnsafe(`CREATE TABLE IF NOT EXISTS "SqlTxProbe" ("id" text PRIMARY KEY, "n" int NOT NULL, "version" int NOT NULL DEFAULT 1)`);
});

const insert = (tx: PgTx, id: string, n: number, onRows?: (r: unknown[]) => void) =>
  write(tx, Prisma.sql`INSERT INTO "SqlTxProbe" ("id", "n") VALUES (${id}, ${n})`, { returning: Prisma.sql`"id", "n"`, expect: 1, onRows, key: `SqlTxProbe:${id}` });
const bump = (tx: PgTx, id: string, version: number) =>
  write(tx, Prisma.sql`UPDATE "SqlTxProbe" SET "n" = "n" + 1, "version" = "version" + 1 WHERE "id" = ${id} AND "version" = ${version}::int`, {
    expect: 1,
    stale: () => new Error(`probe ${id} moved`),
    key: `SqlTxProbe:${id}`,
  });
const seed = (id: string) => db().$executeRaw`INSERT INTO "SqlTxProbe" ("id", "n") VALUES (${id}, 1)`;
const probe = async (id: string) => (await query<{ n: number; version: number }>(`SELECT "n", "version" FROM "SqlTxProbe" WHERE "id" = $1`, [id]))[0] ?? null;

describe("batched transactions", () => {
  it("a transaction that only writes commits them as one statement (no BEGIN) and hands each its RETURNING rows", async () => {
    const [a, b] = [uid(), uid()];
    await seed(a);
    let seen: unknown[] = [];
    let tx!: PgTx;
    await pgTransaction(
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

  it("a guard that matches no row makes it a BatchConflict and writes nothing, the other writes included", async () => {
    const [a, b] = [uid(), uid()];
    await seed(a);
    const attempt = pgTransaction(
      async (t) => {
        await insert(t, b, 7);
        await bump(t, a, 5); // the version is 1: stale
      },
      { batched: true },
    );
    await expect(attempt).rejects.toBeInstanceOf(BatchConflict);
    expect(await probe(a)).toEqual({ n: 1, version: 1 });
    expect(await probe(b)).toBeNull();
    // Unbatched, the same guard throws its own error at once.
    await expect(pgTransaction(async (t) => bump(t, a, 5))).rejects.toThrow(`probe ${a} moved`);
  });

  it("the first read (or a second write of one row) sends BEGIN and the writes so far, in order; later reads see the writes before them", async () => {
    const [a, b] = [uid(), uid()];
    let tx!: PgTx;
    await pgTransaction(
      async (t) => {
        tx = t;
        await insert(t, a, 1);
        expect(t.begun).toBe(false);
        // A second write of the same row: the first is sent (after BEGIN), or the UPDATE would not see it.
        await bump(t, a, 1);
        expect(t.begun).toBe(true);
        const [row] = await rows<{ n: number }>(t, Prisma.sql`SELECT "n" FROM "SqlTxProbe" WHERE "id" = ${a}`);
        expect(row).toEqual({ n: 2 });
        expect(t.begun).toBe(true);
        await insert(t, b, 3);
        const [again] = await rows<{ n: number }>(t, Prisma.sql`SELECT "n" FROM "SqlTxProbe" WHERE "id" = ${b}`);
        expect(again).toEqual({ n: 3 });
      },
      { batched: true },
    );
    expect(tx.begun).toBe(true);
    expect(await probe(a)).toEqual({ n: 2, version: 2 });
    expect(await probe(b)).toMatchObject({ n: 3 });
  });

  it("a deferred guard that fails when a read flushes it is a BatchConflict, and the transaction rolls back", async () => {
    const [a, b] = [uid(), uid()];
    await seed(a);
    const attempt = pgTransaction(
      async (t) => {
        await insert(t, b, 9);
        await bump(t, a, 3);
        await rows(t, Prisma.sql`SELECT 1`);
      },
      { batched: true },
    );
    await expect(attempt).rejects.toBeInstanceOf(BatchConflict);
    expect(await probe(b)).toBeNull();
  });
});
