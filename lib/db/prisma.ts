import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/prisma/client";
import type { Prisma } from "../generated/prisma/client";
import { env } from "../env";
import { closePool } from "./pool";

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
  g.batonDb ??= new PrismaClient({ adapter: new PrismaPg({ connectionString: env().DATABASE_URL, max: 5 }) });
  return g.batonDb;
}

/** Closes the pool and the read client (shutdown, end of a script). */
export async function disconnectDb(): Promise<void> {
  await closePool();
  if (g.batonDb) {
    await g.batonDb.$disconnect();
    g.batonDb = undefined;
  }
}
