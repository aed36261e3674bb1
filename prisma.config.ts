// Loaded only by the Prisma CLI (migrate, generate). Runtime code uses lib/db.ts.
import path from "node:path";
import { loadEnvConfig } from "@next/env";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import type { PrismaConfig } from "prisma";

loadEnvConfig(process.cwd());

// Workaround for prisma/orm#27403: the pg adapter cannot deserialize catalog columns of type
// `name` (oid 19) and `"char"` (oid 18) that migrate reads. Report them as text (oid 25).
// Patched on the prototype because the adapter builds its own pool for the shadow database.
const originalQuery = pg.Client.prototype.query as (...args: unknown[]) => unknown;
function reportCatalogTypesAsText(res: unknown): unknown {
  const fields = (res as { fields?: { dataTypeID: number }[] } | undefined)?.fields;
  if (fields) for (const f of fields) if (f.dataTypeID === 19 || f.dataTypeID === 18) f.dataTypeID = 25;
  return res;
}
(pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown }).query = function patchedQuery(
  this: pg.Client,
  ...args: unknown[]
) {
  // pg.Pool#query calls Client#query with a callback; the adapter's direct calls use promises.
  const last = args[args.length - 1];
  if (typeof last === "function") {
    const callback = last as (err: unknown, res: unknown) => void;
    args[args.length - 1] = (err: unknown, res: unknown) => callback(err, reportCatalogTypesAsText(res));
    return originalQuery.apply(this, args);
  }
  const out = originalQuery.apply(this, args);
  if (out && typeof (out as Promise<unknown>).then === "function") return (out as Promise<unknown>).then(reportCatalogTypesAsText);
  return out;
};

// The adapter's executeScript splits a migration on every ";", which breaks PL/pgSQL function
// bodies (our audit trigger). PostgreSQL's simple query protocol runs a multi-statement script
// as one call, so send it whole.
type ScriptRunner = { executeScript(script: string): Promise<void>; client: pg.Pool | pg.Client; onError(e: unknown): never };
function runScriptsWhole<T>(adapter: T): T {
  const a = adapter as unknown as ScriptRunner;
  a.executeScript = async function executeScriptWhole(this: ScriptRunner, script: string) {
    try {
      await this.client.query(script);
    } catch (error) {
      this.onError(error);
    }
  };
  return adapter;
}

// Migrations run as the owner of the tables (ADR 025): DATABASE_OWNER_URL, else DATABASE_URL
// for a one-role setup. The application itself connects with DATABASE_URL only.
function databaseUrl(): string {
  const url = process.env.DATABASE_OWNER_URL || process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set (see .env.example)");
  return url;
}

export default {
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations"), seed: "tsx prisma/seed.ts" },
  experimental: { adapter: true },
  engine: "js",
  async adapter() {
    const url = databaseUrl();
    const factory = new PrismaPg({ connectionString: url });
    // The adapter's own shadow database handling is broken (see prisma-offline notes): use a
    // fixed `<db>_shadow` database that we drop and recreate on each migrate dev.
    const shadowUrl = new URL(url);
    const mainDb = shadowUrl.pathname.slice(1);
    const shadowDb = `${mainDb}_shadow`;
    shadowUrl.pathname = `/${shadowDb}`;
    const connect = factory.connect.bind(factory);
    return Object.assign(factory, {
      async connect() {
        return runScriptsWhole(await connect());
      },
      async connectToShadowDb() {
        const admin = new pg.Client({ connectionString: url });
        await admin.connect();
        try {
          await admin.query(`DROP DATABASE IF EXISTS "${shadowDb}" WITH (FORCE)`);
          await admin.query(`CREATE DATABASE "${shadowDb}"`);
        } finally {
          await admin.end();
        }
        return runScriptsWhole(await new PrismaPg({ connectionString: shadowUrl.toString() }).connect());
      },
    });
  },
} satisfies PrismaConfig;
