// Two database roles (docs/decisions/025-two-database-roles.md): migrations and the seed run as
// the owner (DATABASE_OWNER_URL), the web app and the worker as an application role
// (DATABASE_URL) that owns nothing. This grants the application role what it needs in one
// database, and nothing more. Run after every `migrate deploy` (npm run db:migrate does).
//
// Roles are cluster-wide in PostgreSQL and test runs share the server: the role is created once,
// idempotently (concurrent CREATE ROLEs are caught), never dropped; the privileges are per
// database and go with it when the database is dropped.
// pg is imported when first needed: npm test and npm run demo import this module before they
// install the dependencies of a fresh clone.

const ident = (name) => `"${String(name).replace(/"/g, '""')}"`;
const literal = (text) => `'${String(text).replace(/'/g, "''")}'`;

/** The tables the application may only read (the owner or a SECURITY DEFINER function writes them). */
const READ_ONLY_TABLES = ["AuditCheckpoint", "AuditArchive", "_prisma_migrations"];

/** The owner URL (migrations, seed, grants): DATABASE_OWNER_URL, else DATABASE_URL (one role, as before). */
export function ownerUrlOf(environment = process.env) {
  return environment.DATABASE_OWNER_URL || environment.DATABASE_URL;
}

/**
 * Creates the application role named in `appUrl` if it does not exist (with the URL's password)
 * and grants it DML in `appUrl`'s database, connecting with `ownerUrl`. Returns what it did, or
 * { skipped } when both URLs name the same user (a one-role setup: nothing to separate).
 */
export async function grantAppRole({ ownerUrl, appUrl }) {
  const app = new URL(appUrl);
  const owner = new URL(ownerUrl);
  const role = decodeURIComponent(app.username);
  const database = decodeURIComponent(app.pathname.slice(1));
  if (!role || role === decodeURIComponent(owner.username)) return { skipped: "DATABASE_URL and DATABASE_OWNER_URL name the same user" };
  const target = new URL(ownerUrl);
  target.pathname = `/${encodeURIComponent(database)}`;
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: target.toString() });
  await client.connect();
  try {
    const exists = await client.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [role]);
    if (exists.rowCount === 0) {
      const password = app.password ? ` PASSWORD ${literal(decodeURIComponent(app.password))}` : "";
      // Two runs may race to create it: whoever loses sees duplicate_object or unique_violation.
      await client.query(`DO $$ BEGIN
        CREATE ROLE ${ident(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS${password};
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`);
    }
    const { rows } = await client.query("SELECT rolsuper FROM pg_roles WHERE rolname = $1", [role]);
    if (rows[0]?.rolsuper) throw new Error(`the application role ${role} is a superuser: it could disable the audit triggers; use a plain role`);
    const r = ident(role);
    const ownerRole = ident(decodeURIComponent(owner.username) || "postgres");
    const present = await client.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename = ANY($1)", [READ_ONLY_TABLES]);
    const presentReadOnly = present.rows.map((x) => ident(x.tablename));
    await client.query("BEGIN");
    await client.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${ident(database)} TO ${r}`);
    await client.query(`GRANT USAGE ON SCHEMA public TO ${r}`);
    await client.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${r}`);
    await client.query(`GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO ${r}`);
    // Tables the owner creates later (a test's fixture table) are usable at once; the next run of
    // this function takes the audit tables' write rights away again.
    await client.query(`ALTER DEFAULT PRIVILEGES FOR ROLE ${ownerRole} IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${r}`);
    await client.query(`ALTER DEFAULT PRIVILEGES FOR ROLE ${ownerRole} IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO ${r}`);
    // The record: entries are appended and sealed (the append-only trigger refuses any other
    // change, and only the owner could disable it); checkpoints and archives are written only by
    // the SECURITY DEFINER functions baton_audit_checkpoint / baton_audit_archive.
    if (presentReadOnly.length) await client.query(`REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON ${presentReadOnly.join(", ")} FROM ${r}`);
    const entry = await client.query("SELECT 1 FROM pg_tables WHERE schemaname = 'public' AND tablename = 'AuditEntry'");
    if (entry.rowCount) await client.query(`REVOKE DELETE, TRUNCATE ON "AuditEntry" FROM ${r}`);
    const fns = await client.query(
      "SELECT p.oid::regprocedure::text AS sig FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public' AND p.proname IN ('baton_audit_checkpoint', 'baton_audit_archive')",
    );
    for (const f of fns.rows) await client.query(`GRANT EXECUTE ON FUNCTION ${f.sig} TO ${r}`);
    await client.query("COMMIT");
    return { role, database };
  } catch (e) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw e;
  } finally {
    await client.end();
  }
}
