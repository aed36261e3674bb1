import { db, isUniqueViolation, query, sql, transaction, type Prisma, type Row as DbRow } from "../db";
import { env } from "../env";
import { AppError, fromZodError } from "../errors";
import { requirePermission, type Actor } from "../identity/actor";
import { SecretUnreadable, keyFrom, open, seal, type SecretsKey } from "./crypto";
import { secretRefs } from "./references";
import { SECRET_NAME_RE, createSecretSchema, rotateSecretSchema, type SecretDto, type SecretList } from "./schemas";

// Named secrets: create, rotate, delete and list (names and metadata only: no route ever returns
// a value), and, for the worker alone, resolve the values an HTTP step needs at call time.

type Row = Prisma.SecretGetPayload<object>;

function keys(): { current: SecretsKey | null; previous: SecretsKey | null } {
  const e = env();
  return { current: keyFrom(e.BATON_SECRETS_KEY), previous: keyFrom(e.BATON_SECRETS_KEY_PREVIOUS) };
}

function requireKey(): SecretsKey {
  const k = keys().current;
  if (!k) {
    throw new AppError(
      "SERVICE_UNAVAILABLE",
      "Named secrets are off: set BATON_SECRETS_KEY (32 random bytes, e.g. `openssl rand -base64 32`) for the web app and the worker.",
    );
  }
  return k;
}

/** The secrets of these names that exist, each with the hosts it may be sent to. */
export async function existingSecretHosts(names: string[]): Promise<Map<string, string[]>> {
  if (names.length === 0) return new Map();
  return new Map((await db().secret.findMany({ where: { name: { in: names } }, select: { name: true, allowedHosts: true } })).map((s) => [s.name, s.allowedHosts]));
}

/** Every `{{ secrets.NAME }}` in a JSON value's strings (a process document: only its HTTP headers may hold one). */
function secretNamesIn(value: unknown, out: Set<string>): Set<string> {
  if (typeof value === "string") for (const name of secretRefs(value)) out.add(name);
  else if (Array.isArray(value)) for (const v of value) secretNamesIn(v, out);
  else if (value && typeof value === "object") for (const v of Object.values(value)) secretNamesIn(v, out);
  return out;
}

/** Which ACTIVE process versions refer to each secret (a secret they use cannot be deleted). */
async function usage(): Promise<Map<string, { key: string; version: number }[]>> {
  const defs = await db().processDefinition.findMany({ where: { status: "ACTIVE" }, select: { key: true, version: true, document: true }, orderBy: [{ key: "asc" }, { version: "asc" }] });
  const out = new Map<string, { key: string; version: number }[]>();
  for (const d of defs) {
    for (const name of secretNamesIn(d.document, new Set())) out.set(name, [...(out.get(name) ?? []), { key: d.key, version: d.version }]);
  }
  return out;
}

function readable(row: Row): boolean {
  const { current, previous } = keys();
  return row.keyId === current?.id || row.keyId === previous?.id;
}

function toDto(row: Row, usedBy: Map<string, { key: string; version: number }[]>): SecretDto {
  return {
    name: row.name,
    description: row.description,
    allowedHosts: row.allowedHosts,
    revision: row.revision,
    createdByName: row.createdByName,
    createdAt: row.createdAt.toISOString(),
    rotatedAt: row.rotatedAt?.toISOString() ?? null,
    rotatedByName: row.rotatedByName,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    usedBy: usedBy.get(row.name) ?? [],
    readable: readable(row),
  };
}

export async function listSecrets(actor: Actor): Promise<SecretList> {
  requirePermission(actor, "secrets:manage");
  const rows = await db().secret.findMany({ orderBy: { name: "asc" } });
  const used = await usage();
  return { data: rows.map((r) => toDto(r, used)), enabled: keys().current !== null };
}

export async function createSecret(actor: Actor, input: unknown): Promise<SecretDto> {
  requirePermission(actor, "secrets:manage");
  const parsed = createSecretSchema.safeParse(input);
  if (!parsed.success) throw fromZodError(parsed.error, "Secret");
  const key = requireKey();
  const { name, value, description, allowedHosts } = parsed.data;
  const exists = () => new AppError("CONFLICT", `A secret named "${name}" exists; rotate it to change its value.`);
  const row = await transaction(async (tx) => {
    if ((await tx.query(sql`SELECT 1 FROM "Secret" WHERE "name" = ${name}`)).length) throw exists();
    const created = await tx.insertReturning("Secret", { name, description, allowedHosts, ...seal(name, value, key), createdById: actor.type === "USER" ? actor.id : null, createdByName: actor.name });
    tx.audit(actor, { action: "secret.created", subjectType: "secret", subjectId: created.id, after: { name, description, allowedHosts, revision: 1, keyId: key.id } });
    return created;
  }).catch((e: unknown) => {
    // Two creates of one name at once: the unique index answers for the second.
    throw isUniqueViolation(e) ? exists() : e;
  });
  return toDto(row, await usage());
}

function notFound(name: string): AppError {
  return new AppError("NOT_FOUND", `No secret named "${name}".`);
}

/** Replaces the value (and optionally the description); the revision goes up by one. */
export async function rotateSecret(actor: Actor, name: string, input: unknown): Promise<SecretDto> {
  requirePermission(actor, "secrets:manage");
  if (!SECRET_NAME_RE.test(name)) throw notFound(name);
  const parsed = rotateSecretSchema.safeParse(input);
  if (!parsed.success) throw fromZodError(parsed.error, "Secret");
  const key = requireKey();
  const row = await transaction(async (tx) => {
    const [current] = await tx.query<DbRow<"Secret">>(sql`SELECT * FROM "Secret" WHERE "name" = ${name}`);
    if (!current) throw notFound(name);
    const [rotated] = await tx.updateReturning(
      "Secret",
      {
        ...seal(name, parsed.data.value, key),
        ...(parsed.data.description !== undefined ? { description: parsed.data.description } : {}),
        ...(parsed.data.allowedHosts !== undefined ? { allowedHosts: parsed.data.allowedHosts } : {}),
        revision: current.revision + 1,
        rotatedAt: new Date(),
        rotatedByName: actor.name,
      },
      sql`"id" = ${current.id} AND "revision" = ${current.revision}::int`,
    );
    if (!rotated) throw new AppError("CONFLICT", `The secret "${name}" was rotated by someone else just now; reload and try again.`);
    tx.audit(actor, {
      action: "secret.rotated",
      subjectType: "secret",
      subjectId: current.id,
      before: { name, revision: current.revision, keyId: current.keyId, allowedHosts: current.allowedHosts },
      after: {
        name,
        revision: current.revision + 1,
        keyId: key.id,
        ...(parsed.data.description !== undefined ? { description: parsed.data.description } : {}),
        ...(parsed.data.allowedHosts !== undefined ? { allowedHosts: parsed.data.allowedHosts } : {}),
      },
    });
    return rotated;
  });
  return toDto(row, await usage());
}

/** Deletes a secret no ACTIVE process version refers to (deprecate those first). */
export async function deleteSecret(actor: Actor, name: string): Promise<{ name: string; deleted: true }> {
  requirePermission(actor, "secrets:manage");
  if (!SECRET_NAME_RE.test(name)) throw notFound(name);
  const usedBy = (await usage()).get(name) ?? [];
  if (usedBy.length > 0) {
    throw new AppError("CONFLICT", `The secret "${name}" is used by ${usedBy.map((u) => `${u.key} v${u.version}`).join(", ")}; deprecate those versions (or rotate the secret) first.`, {
      details: { usedBy },
    });
  }
  await transaction(async (tx) => {
    const [current] = await tx.query<{ id: string; revision: number }>(sql`DELETE FROM "Secret" WHERE "name" = ${name} RETURNING "id", "revision"`);
    if (!current) throw notFound(name);
    tx.audit(actor, { action: "secret.deleted", subjectType: "secret", subjectId: current.id, before: { name, revision: current.revision } });
  });
  return { name, deleted: true };
}

type ResolvedSecrets = { ok: true; values: Record<string, string>; hosts: Record<string, string[]> } | { ok: false; error: string };

/**
 * For the worker, at call time: the values of the named secrets. A missing or unreadable secret is
 * a readable error naming it (never a value); the step fails with it.
 */
export async function resolveSecrets(names: string[]): Promise<ResolvedSecrets> {
  if (names.length === 0) return { ok: true, values: {}, hosts: {} };
  const { current, previous } = keys();
  if (!current && !previous) return { ok: false, error: `named secrets are off (BATON_SECRETS_KEY is not set in the worker), so ${names.map((n) => `"${n}"`).join(", ")} cannot be used` };
  const rows = await db().secret.findMany({ where: { name: { in: names } } });
  const missing = names.filter((n) => !rows.some((r) => r.name === n));
  if (missing.length) return { ok: false, error: `the secret${missing.length > 1 ? "s" : ""} ${missing.map((n) => `"${n}"`).join(", ")} ${missing.length > 1 ? "do" : "does"} not exist (deleted after the definition was published?)` };
  const values: Record<string, string> = {};
  const hosts: Record<string, string[]> = {};
  try {
    for (const r of rows) {
      values[r.name] = open(r.name, r, [current, previous]);
      hosts[r.name] = r.allowedHosts;
    }
  } catch (e) {
    if (e instanceof SecretUnreadable) return { ok: false, error: e.message };
    throw e;
  }
  void query(sql`UPDATE "Secret" SET "lastUsedAt" = (now() AT TIME ZONE 'UTC') WHERE "id" = ANY(${rows.map((r) => r.id)}::text[])`).catch(() => undefined);
  return { ok: true, values, hosts };
}

/**
 * After BATON_SECRETS_KEY changed (old key kept as BATON_SECRETS_KEY_PREVIOUS): re-encrypts every
 * secret that is not under the current key. `npm run secrets:rekey`.
 */
export async function reencryptSecrets(): Promise<{ reencrypted: number; alreadyCurrent: number }> {
  const key = requireKey();
  const { previous } = keys();
  const rows = await db().secret.findMany();
  let reencrypted = 0;
  for (const r of rows) {
    if (r.keyId === key.id) continue;
    const value = open(r.name, r, [key, previous]);
    await transaction(async (tx) => {
      const changed = await tx.updateReturning("Secret", seal(r.name, value, key), sql`"id" = ${r.id} AND "revision" = ${r.revision}::int AND "keyId" = ${r.keyId}`);
      if (changed.length !== 1) return;
      tx.audit({ type: "SYSTEM", id: null, name: "secrets:rekey" }, {
        action: "secret.reencrypted",
        subjectType: "secret",
        subjectId: r.id,
        before: { name: r.name, keyId: r.keyId },
        after: { name: r.name, keyId: key.id },
      });
      reencrypted++;
    });
  }
  return { reencrypted, alreadyCurrent: rows.length - reencrypted };
}
