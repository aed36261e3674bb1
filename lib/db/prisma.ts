import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "../generated/prisma/client";
import type { Prisma } from "../generated/prisma/client";
import { env } from "../env";
import { closePool } from "./pool";
import { currentRequestTx, queryInRequest } from "./request-scope";

// Prisma owns the schema and the migrations (ADR 002). At run time it only reads: admin lists and
// filters that its query API expresses well, outside any transaction. Every write goes through a
// Tx (lib/db/tx.ts); the type below has no write methods, so one cannot slip in.

export type { Prisma };

type ReadMethod = "findUnique" | "findUniqueOrThrow" | "findFirst" | "findFirstOrThrow" | "findMany" | "count" | "aggregate" | "groupBy";
type Models = { [K in keyof PrismaClient as K extends `$${string}` | symbol ? never : K]: PrismaClient[K] };
/** The models' read methods. */
export type ColdReads = { [M in keyof Models]: Pick<Models[M], Extract<keyof Models[M], ReadMethod>> };

const g = globalThis as unknown as { batonDb?: PrismaClient };

/** The process-wide read client (reused across Next.js hot reloads in development). */
export function db(): ColdReads {
  return prismaClient();
}

/**
 * The whole ORM client: for the seed, the tests' fixtures and scripts that build data, never for
 * the application (the lint config refuses it in app/, lib/, components/ and workers/).
 */
export function prismaClient(): PrismaClient {
  g.batonDb ??= new PrismaClient({ adapter: new PrismaPg(readPool(), { disposeExternalPool: true }) });
  return g.batonDb;
}

/**
 * The read client's pool. Inside a request that runs in one transaction (Idempotency-Key,
 * request-tx.ts) its statements run on that transaction's connection, so a read after the
 * request's own writes sees them, as it does outside one.
 */
function readPool(): pg.Pool {
  const readers = new pg.Pool({ connectionString: env().DATABASE_URL, max: 5 });
  // Connections the server ends (idle or checked out) must not crash the process (see pool.ts).
  readers.on("error", () => undefined);
  readers.on("connect", (client) => void client.on("error", () => undefined));
  const plain = readers.query.bind(readers) as (config: pg.QueryConfig, values?: unknown[]) => Promise<pg.QueryResult>;
  readers.query = ((config: pg.QueryConfig, values?: unknown[]) => {
    const inRequest = currentRequestTx();
    return inRequest ? queryInRequest(inRequest, { ...config, values: values ?? config.values }) : plain(config, values);
  }) as typeof readers.query;
  return readers;
}

/** Closes the pool and the read client (shutdown, end of a script). */
export async function disconnectDb(): Promise<void> {
  await closePool();
  if (g.batonDb) {
    await g.batonDb.$disconnect();
    g.batonDb = undefined;
  }
}
