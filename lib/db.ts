import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient, Prisma } from "./generated/prisma/client";
import { env } from "./env";
import { closePool } from "./pg";

export { Prisma };
export type Db = PrismaClient;
export type Tx = Prisma.TransactionClient;

const globalForDb = globalThis as unknown as { batonDb?: PrismaClient };

export function createDb(connectionString = env().DATABASE_URL, max = 10): PrismaClient {
  return new PrismaClient({
    adapter: new PrismaPg({ connectionString, max }),
    // Under a burst, waiting up to 10 s for a pooled connection beats failing after Prisma's
    // default 2 s; a transaction itself may run 15 s before it is rolled back.
    transactionOptions: { maxWait: 10_000, timeout: 15_000 },
  });
}

/** The process-wide client (reused across Next.js hot reloads in development). */
export function db(): PrismaClient {
  if (!globalForDb.batonDb) globalForDb.batonDb = createDb();
  return globalForDb.batonDb;
}

export async function disconnectDb(): Promise<void> {
  await closePool();
  if (globalForDb.batonDb) {
    await globalForDb.batonDb.$disconnect();
    globalForDb.batonDb = undefined;
  }
}
