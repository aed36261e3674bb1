import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import { z } from "zod";
import { addressListProblems, allowListProblems } from "./outbound/policy";

/**
 * A 32-byte AES-256 key as base64 (44 characters) or hex (64 characters). Returns null when the
 * text is neither; used by the env schema and by lib/secrets.
 */
export function decodeSecretsKey(text: string): Buffer | null {
  const t = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(t)) return Buffer.from(t, "hex");
  if (/^[A-Za-z0-9+/_-]{42,44}={0,2}$/.test(t)) {
    const b = Buffer.from(t.replace(/-/g, "+").replace(/_/g, "/"), "base64");
    if (b.length === 32) return b;
  }
  return null;
}
/** The development key carried by .env.example: never valid in production (lib/env.ts refuses it). */
export const DEV_AUDIT_SIGNING_KEY = "MC4CAQAwBQYDK2VwBCIEIOl8vaojdYgc4sJEkIhjqdEJYhrVn0Vn4xgTCGcjEurA";

const PKCS8_ED25519_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");
const SPKI_ED25519_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

/**
 * An Ed25519 private key from PEM ("-----BEGIN PRIVATE KEY-----"), base64 PKCS#8 DER, or a base64
 * 32-byte seed. Null when the text is none of these or not an Ed25519 key.
 */
export function parseSigningKey(text: string): KeyObject | null {
  try {
    const t = text.trim().replace(/\\n/g, "\n");
    let key: KeyObject;
    if (t.includes("-----BEGIN")) key = createPrivateKey(t);
    else {
      const der = Buffer.from(t, "base64");
      key = createPrivateKey({ key: der.length === 32 ? Buffer.concat([PKCS8_ED25519_PREFIX, der]) : der, format: "der", type: "pkcs8" });
    }
    return key.asymmetricKeyType === "ed25519" ? key : null;
  } catch {
    return null;
  }
}

/** An Ed25519 public key from PEM or base64 SPKI DER (or a raw 32-byte key); null otherwise. */
export function parsePublicKey(text: string): KeyObject | null {
  try {
    const t = text.trim().replace(/\\n/g, "\n");
    let key: KeyObject;
    if (t.includes("-----BEGIN")) key = createPublicKey(t);
    else {
      const der = Buffer.from(t, "base64");
      key = createPublicKey({ key: der.length === 32 ? Buffer.concat([SPKI_ED25519_PREFIX, der]) : der, format: "der", type: "spki" });
    }
    return key.asymmetricKeyType === "ed25519" ? key : null;
  } catch {
    return null;
  }
}

const secretsKeySchema = z
  .string()
  .refine((s) => decodeSecretsKey(s) !== null, "must be 32 random bytes as base64 or hex (generate one with: openssl rand -base64 32)")
  .optional();

/** The largest ATTACHMENTS_MAX_BYTES may be (the upload route's body limit is this plus the form's overhead). */
export const ATTACHMENTS_MAX_BYTES_CEILING = 100 * 1024 * 1024;

/** The values .env.example ships: fine for the demo, a known key anywhere else. */
export const EXAMPLE_AUTH_SECRET = "dev-only-secret-change-me-0123456789abcdef";
export const EXAMPLE_SECRETS_KEY = "ZGV2LW9ubHktYmF0b24tc2VjcmV0cy1rZXktMzJieXQ=";

const ROLE_NAMES = ["ADMIN", "SUPERVISOR", "AUDITOR", "MEMBER"] as const;
const CLAIM_NAME = /^[A-Za-z0-9_:/.-]{1,200}$/;

/** One REDIS_CLUSTER_NODES entry: `host:port` or a redis(s):// URL; null when it is neither. */
export function parseRedisNode(text: string): { host: string; port: number; url: URL | null } | null {
  const t = text.trim();
  if (/^rediss?:\/\//.test(t)) {
    try {
      const url = new URL(t);
      return url.hostname ? { host: url.hostname.replace(/^\[|\]$/g, ""), port: Number(url.port || 6379), url } : null;
    } catch {
      return null;
    }
  }
  const m = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(t);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) return null;
  return { host: m[1]!.replace(/^\[|\]$/g, ""), port: Number(m[2]), url: null };
}

/** An empty value reads as unset. */
function optionalText<T extends z.ZodType>(schema: T) {
  return z.preprocess((v) => (v === "" ? undefined : v), schema.optional());
}

/** "a=B,c=D" → [["a","B"],["c","D"]]: claim value → what it maps to. */
export function parseMapping(text: string): [string, string][] {
  return text
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => {
      const i = p.lastIndexOf("=");
      return [p.slice(0, i).trim(), p.slice(i + 1).trim()] as [string, string];
    });
}

function mappingSchema(what: string, valid: (v: string) => boolean, expected: string) {
  return z.string().superRefine((text, ctx) => {
    for (const part of text.split(",").map((p) => p.trim()).filter(Boolean)) {
      const i = part.lastIndexOf("=");
      if (i <= 0 || i === part.length - 1) ctx.addIssue({ code: "custom", message: `"${part}" must be "claim value=${what}"` });
      else if (!valid(part.slice(i + 1).trim())) ctx.addIssue({ code: "custom", message: `"${part}" maps to ${part.slice(i + 1).trim()}, which is not ${expected}` });
    }
  });
}

// Validated once per process (web and worker). A bad or missing value ends the process with one
// readable line instead of a stack trace deep in a driver.
const envSchema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  DATABASE_URL: z
    .string({ error: "is required (e.g. postgresql://postgres@127.0.0.1:5432/baton_dev)" })
    .regex(/^postgres(ql)?:\/\//, "must be a postgresql:// URL"),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, "must be a redis:// URL")
    .default("redis://127.0.0.1:6379"),
  // Redis Cluster (ADR 049): the seed nodes, comma-separated `host:port` or redis(s):// URLs
  // (user, password and TLS are taken from the first URL). Set, Baton connects with ioredis'
  // Cluster client and REDIS_URL is not used; keys used together carry a hash tag.
  REDIS_CLUSTER_NODES: optionalText(
    z.string().superRefine((text, ctx) => {
      const nodes = text.split(",").map((n) => n.trim()).filter(Boolean);
      if (nodes.length === 0) ctx.addIssue({ code: "custom", message: "must name at least one node (host:port, comma-separated)" });
      for (const n of nodes) if (!parseRedisNode(n)) ctx.addIssue({ code: "custom", message: `"${n}" must be host:port or a redis:// URL` });
    }),
  ),
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1-64 letters, digits, _ or -")
    .default("baton"),
  // A streaming read replica (ADR 049): the heavy reads (KPI dashboard, audit search and export,
  // separation-of-duties report) go there; writes and reads that must see them stay on
  // DATABASE_URL. Unset: everything reads the primary. A replica that fails is left for the primary.
  DATABASE_REPLICA_URL: optionalText(z.string().regex(/^postgres(ql)?:\/\//, "must be a postgresql:// URL")),
  // Replica lag from which the dashboard and the audit page say their figures may be behind.
  DATABASE_REPLICA_LAG_NOTICE_SECONDS: z.coerce.number().min(0).max(86_400).default(5),
  // How long the heavy reads stay on the primary after the replica failed, before trying it again.
  DATABASE_REPLICA_RETRY_MS: z.coerce.number().int().min(0).max(3_600_000).default(10_000),
  // PostgreSQL connections a process keeps at most (each web process, each worker). Size it so
  // that processes × DB_POOL_SIZE stays under the server's max_connections (or PgBouncer's pool).
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  // How long a request waits for a free PostgreSQL connection before it answers 503 + Retry-After.
  DB_POOL_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  // false behind a transaction-pooling PgBouncer older than 1.21: hot statements run unnamed
  // (a named prepared statement lives on one server connection, the next transaction may get
  // another). 1.21+ with max_prepared_statements > 0 tracks them: leave it on. docs/operations.md.
  DB_PREPARED_STATEMENTS: z.enum(["true", "false", "1", "0", ""]).default("").transform((v) => v !== "false" && v !== "0"),
  // Idempotency-Key (ADR 027): how long a request in progress holds its key. A retry after the
  // lease finds the key free again (the first attempt died); a retry within it gets 409.
  IDEMPOTENCY_LEASE_MS: z.coerce.number().int().min(1000).max(3_600_000).default(60_000),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  // Web processes sharing PORT (server.ts forks them with node:cluster); one per core under load.
  WEB_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
  // An API node: server.ts serves /api/v1 only, without Next.js (docs/operations.md, scale-out).
  API_ONLY: z.enum(["true", "false", "1", "0", ""]).default("").transform((v) => v === "true" || v === "1"),
  AUTH_SECRET: z.string({ error: "is required (generate one with: openssl rand -base64 32)" }).min(16, "must be at least 16 characters"),
  AUTH_URL: z.url("must be a URL such as http://localhost:3000").optional(),
  WORKER_HEALTH_PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(200).default(10),
  // Self-healing of the worker's periodic jobs (ADR 019): how often each worker checks that their
  // schedulers are in Redis (and re-creates the missing ones; also after every reconnect), and
  // how late past its interval a loop may be before /health calls it stale. Keep the check
  // shorter than the grace: a loop lost with Redis then runs again before it counts as stale.
  WORKER_SCHEDULE_CHECK_MS: z.coerce.number().int().min(100).max(3_600_000).default(5000),
  WORKER_LOOP_GRACE_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  OUTBOX_SWEEP_MS: z.coerce.number().int().min(100).max(600_000).default(2000),
  // Dispatched outbox rows are kept this long (for inspection), then deleted by the worker every
  // hour. Not below a day: BullMQ keeps completed jobs a day to recognise a re-dispatched one.
  OUTBOX_RETENTION_HOURS: z.coerce.number().int().min(24).max(24 * 365).default(72),
  // An event kept for correlation (nobody waited for it yet) is delivered to a wait step that
  // starts within this many hours; after that it has expired and the retention job removes it.
  EVENT_PENDING_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 365).default(168),
  // Retention (security review L5, lib/retention): the worker deletes, in batches, rows older than
  // these ages. Event receipts also answer duplicates of (source, id): a replay older than its
  // receipt's age is taken as a new event. Audit entries are never touched (AUDIT_RETENTION_DAYS).
  RETENTION_EVENT_RECEIPT_DAYS: z.coerce.number().int().min(1).max(36500).default(90),
  RETENTION_IDEMPOTENCY_HOURS: z.coerce.number().int().min(24).max(24 * 36500).default(72),
  RETENTION_WEBHOOK_DELIVERY_DAYS: z.coerce.number().int().min(1).max(36500).default(30),
  RETENTION_NOTIFICATION_DAYS: z.coerce.number().int().min(1).max(36500).default(180),
  // How often the retention job runs, and how many rows one of its statements deletes at most.
  RETENTION_SWEEP_MS: z.coerce.number().int().min(1000).max(86_400_000).default(3_600_000),
  RETENTION_BATCH_SIZE: z.coerce.number().int().min(10).max(100_000).default(1000),
  // Escalation (lib/sla): how often the worker sweeps PostgreSQL for levels whose timer did not
  // fire, how overdue a level must be before the sweep takes it from its timer, and how many
  // timer jobs wait on a batch at once.
  ESCALATION_SWEEP_MS: z.coerce.number().int().min(100).max(600_000).default(5000),
  ESCALATION_SWEEP_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(1000),
  ESCALATION_CONCURRENCY: z.coerce.number().int().min(1).max(2000).default(300),
  AUDIT_SEAL_MS: z.coerce.number().int().min(100).max(600_000).default(1000),
  AUDIT_RETENTION_DAYS: z.coerce.number().int().min(0).max(36500).default(0),
  AUDIT_ARCHIVE_DIR: z.string().min(1).default("var/audit-archive"),
  // Ed25519 key that signs audit checkpoints (ADR 026): PEM or base64 (PKCS#8 DER or the 32-byte
  // seed). Not in the database. Required in production; without it (development) checkpoints are
  // unsigned. AUDIT_PUBLIC_KEYS: earlier keys' public halves (comma-separated base64 SPKI or
  // PEM), so checkpoints signed before a key rotation still verify.
  AUDIT_SIGNING_KEY: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z.string().refine((s) => parseSigningKey(s) !== null, "must be an Ed25519 private key, PEM or base64 (generate one with: npm run audit:keygen)").optional(),
  ),
  AUDIT_PUBLIC_KEYS: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z
      .string()
      .refine((s) => s.split(",").every((k) => parsePublicKey(k) !== null), "must be comma-separated Ed25519 public keys (base64 SPKI or PEM)")
      .optional(),
  ),
  // Anchoring (ADR 026): the worker copies the newest signed checkpoint outside the database this
  // often, to a directory (one JSON line a checkpoint in anchors.jsonl) and/or a webhook URL
  // (POSTed as JSON). Neither set: no anchoring. 0 turns it off.
  AUDIT_ANCHOR_MS: z.coerce.number().int().min(0).max(86_400_000).default(3_600_000),
  AUDIT_ANCHOR_DIR: z.preprocess((v) => (v === "" ? undefined : v), z.string().min(1).optional()),
  AUDIT_ANCHOR_WEBHOOK_URL: z.preprocess((v) => (v === "" ? undefined : v), z.url("must be an http(s) URL").optional()),
  // ...and/or e-mailed to this address through SMTP_URL (required with it): a mailbox the database
  // owner does not control.
  AUDIT_ANCHOR_EMAIL: z.preprocess((v) => (v === "" ? undefined : v), z.email("must be an e-mail address").optional()),
  // Named secrets (lib/secrets): the key that encrypts them; the previous key during a rotation.
  // Without a key, named secrets are off (the API answers 503 and says how to turn them on).
  BATON_SECRETS_KEY: secretsKeySchema,
  BATON_SECRETS_KEY_PREVIOUS: secretsKeySchema,
  // Live-update streams (GET /api/v1/stream) one person or token may hold open at once; past it 429.
  LIVE_STREAMS_PER_PERSON: z.coerce.number().int().min(1).max(1000).default(10),
  // Requests a minute one API token may make (429 with Retry-After past it); 0 turns it off.
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).max(10_000_000).default(6000),
  // E-mail notifications: an SMTP server URL (smtp://user:pass@host:587, smtps://… for implicit
  // TLS). Unset: e-mail is off and the settings page says so.
  SMTP_URL: z.preprocess((v) => (v === "" ? undefined : v), z.string().regex(/^smtps?:\/\/[^\s]+$/, "must be an smtp:// or smtps:// URL").optional()),
  MAIL_FROM: z
    .string()
    .regex(/^([^<>]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/, 'must be an address such as "Baton <baton@example.com>"')
    .default("Baton <baton@localhost>"),
  // Attachments (lib/attachments, ADR 040): the largest file accepted, and where the bytes go —
  // PostgreSQL (default) or an S3-compatible bucket (S3_BUCKET and the S3_* values then required;
  // S3_ENDPOINT for MinIO, Ceph, R2 and the like; path-style addressing unless S3_FORCE_PATH_STYLE=false).
  ATTACHMENTS_MAX_BYTES: z.coerce.number().int().min(1024).max(ATTACHMENTS_MAX_BYTES_CEILING).default(10 * 1024 * 1024),
  ATTACHMENTS_STORE: z.enum(["postgres", "s3"]).default("postgres"),
  S3_ENDPOINT: optionalText(z.url("must be a URL such as https://s3.eu-central-1.amazonaws.com or http://127.0.0.1:9000")),
  S3_REGION: z.string().min(1).max(64).default("us-east-1"),
  S3_BUCKET: optionalText(z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be an S3 bucket name (3-63 lower-case letters, digits, dots, hyphens)")),
  S3_ACCESS_KEY_ID: optionalText(z.string().min(1).max(256)),
  S3_SECRET_ACCESS_KEY: optionalText(z.string().min(1).max(256)),
  S3_FORCE_PATH_STYLE: z.enum(["true", "false", "1", "0", ""]).default("").transform((v) => v !== "false" && v !== "0"),
  // Outgoing webhooks: attempts per delivery, the first retry's delay (doubling after that) and
  // the time a receiver has to answer.
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(8),
  WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(10_000),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  // Egress (lib/outbound): hosts, IP addresses and CIDR ranges HTTP steps and webhooks may call
  // although they are not public (loopback, private, link-local…), comma- or space-separated;
  // `*.corp.example` allows the subdomains. Everything public is allowed; nothing else by default.
  OUTBOUND_ALLOW_HOSTS: z
    .string()
    .optional()
    .superRefine((v, ctx) => {
      for (const p of allowListProblems(v)) ctx.addIssue({ code: "custom", message: p });
    }),
  // Circuit breaker per target host of HTTP steps (shared by every worker through Redis): it opens
  // after this many failures (network errors, timeouts, 5xx) within the window, and lets one probe
  // through after the cool-down.
  CIRCUIT_FAILURE_THRESHOLD: z.coerce.number().int().min(1).max(1000).default(5),
  CIRCUIT_WINDOW_MS: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
  CIRCUIT_COOLDOWN_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  // How often the worker refreshes the KPI rollups behind the dashboard (milliseconds).
  KPI_REFRESH_MS: z.coerce.number().int().min(1000).max(86_400_000).default(60_000),
  // OpenTelemetry tracing (off unless an exporter is named or an OTLP endpoint is set; the
  // SDKs read these themselves, validated here so a typo stops the boot).
  OTEL_SDK_DISABLED: z.enum(["true", "false"]).optional(),
  OTEL_TRACES_EXPORTER: z.string().regex(/^(otlp|console|none)(,(otlp|console|none))*$/, "must be otlp, console or none").optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url("must be a URL such as http://127.0.0.1:4318").optional(),
  OTEL_SERVICE_NAME: z.string().min(1).max(100).optional(),
  // Undo window of decisions made in the inbox (ADR 008); 0 turns it off.
  UNDO_WINDOW_SECONDS: z.coerce.number().int().min(0).max(60).default(5),
  // Approve / reject links in task e-mails (ADR 047): how long they stay valid; 0 turns them off.
  EMAIL_ACTION_LINK_HOURS: z.coerce.number().int().min(0).max(720).default(72),
  // Crash recovery of the engine: a RUNNING step whose worker died is taken over once its timeout
  // plus this grace has passed; the recovery sweep (every ENGINE_RECOVERY_MS) re-queues such steps
  // and anything else Redis lost.
  ENGINE_STALE_GRACE_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  ENGINE_RECOVERY_MS: z.coerce.number().int().min(200).max(3_600_000).default(60_000),
  // Append the JSON log lines to this file instead of stdout (the logger reads it directly).
  LOG_FILE: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  // The demo organisation's conveniences: the demo logins on the sign-in page, the stand-in ERP
  // at /api/demo/erp, the seed, raw error text on /api/health and the example keys in production.
  // Off unless set; `npm run demo` and .env.example turn it on.
  DEMO_MODE: z.enum(["true", "false", "1", "0", ""]).default("").transform((v) => v === "true" || v === "1"),
  // Client addresses (audit entries, sign-in throttling): X-Forwarded-For is believed only from
  // these proxies (IPs or CIDR ranges, comma-separated); the address is the right-most one not in
  // the list. Empty: the connection's own address, X-Forwarded-For ignored.
  TRUSTED_PROXIES: z
    .string()
    .optional()
    .superRefine((v, ctx) => {
      for (const p of addressListProblems(v)) ctx.addIssue({ code: "custom", message: p });
    }),
  // Single sign-on with OpenID Connect (docs/identity.md): all three of issuer, client id and
  // secret, or none. OIDC_NAME is the button's "Sign in with …". Roles and groups come from
  // claims at each sign-in: OIDC_ROLE_MAP / OIDC_GROUP_MAP are "claim value=ROLE" / "claim
  // value=group key" pairs, comma-separated (without a map, values equal to a role or group key).
  OIDC_ISSUER: optionalText(z.url("must be the issuer URL, such as https://login.example.com/realms/acme")),
  OIDC_CLIENT_ID: optionalText(z.string().min(1).max(500)),
  OIDC_CLIENT_SECRET: optionalText(z.string().min(1).max(2000)),
  OIDC_NAME: z.string().min(1).max(60).default("single sign-on"),
  OIDC_ROLE_CLAIM: optionalText(z.string().regex(CLAIM_NAME, "must be a claim name (dots for nested claims)")),
  OIDC_ROLE_MAP: optionalText(mappingSchema("ROLE", (v) => (ROLE_NAMES as readonly string[]).includes(v), "ADMIN, SUPERVISOR, AUDITOR or MEMBER")),
  OIDC_GROUPS_CLAIM: optionalText(z.string().regex(CLAIM_NAME, "must be a claim name (dots for nested claims)")),
  OIDC_GROUP_MAP: optionalText(mappingSchema("group key", (v) => /^[A-Za-z0-9_.:-]{1,100}$/.test(v), "a group key")),
  // false: only single sign-on (the sign-in page shows no password form, and passwords are refused).
  PASSWORD_SIGNIN: z.enum(["true", "false", "1", "0", ""]).default("").transform((v) => v !== "false" && v !== "0"),
})
  .superRefine((e, ctx) => {
    const oidc = [e.OIDC_ISSUER, e.OIDC_CLIENT_ID, e.OIDC_CLIENT_SECRET];
    if (oidc.some(Boolean) && !oidc.every(Boolean)) {
      ctx.addIssue({ code: "custom", path: ["OIDC_ISSUER"], message: "single sign-on needs all of OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET" });
    }
    if (!e.PASSWORD_SIGNIN && !e.OIDC_ISSUER) {
      ctx.addIssue({ code: "custom", path: ["PASSWORD_SIGNIN"], message: "is false but single sign-on is not configured (OIDC_ISSUER): nobody could sign in" });
    }
  })
  .superRefine((e, ctx) => {
    if (e.ATTACHMENTS_STORE !== "s3") return;
    for (const name of ["S3_BUCKET", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"] as const) {
      if (!e[name]) ctx.addIssue({ code: "custom", path: [name], message: "is required with ATTACHMENTS_STORE=s3" });
    }
  })
  .superRefine((e, ctx) => {
    if (e.AUDIT_ANCHOR_EMAIL && !e.SMTP_URL) ctx.addIssue({ code: "custom", path: ["AUDIT_ANCHOR_EMAIL"], message: "needs SMTP_URL to send the anchored checkpoints" });
    // Production refuses the defaults anyone can read in .env.example (security review M16).
    if (e.NODE_ENV !== "production" || e.DEMO_MODE) return;
    if (e.AUTH_SECRET === EXAMPLE_AUTH_SECRET || e.AUTH_SECRET.length < 32) {
      ctx.addIssue({ code: "custom", path: ["AUTH_SECRET"], message: "is the example value or shorter than 32 characters, which is unsafe in production (generate one with: openssl rand -base64 32; or set DEMO_MODE=true for a demo)" });
    }
    for (const name of ["BATON_SECRETS_KEY", "BATON_SECRETS_KEY_PREVIOUS"] as const) {
      if (e[name] === EXAMPLE_SECRETS_KEY) ctx.addIssue({ code: "custom", path: [name], message: "is the example key from .env.example, which is unsafe in production (generate one with: openssl rand -base64 32)" });
    }
  });

/**
 * Production refuses to seal an unsigned record or to sign it with the key everybody has
 * (demo mode, like the other example secrets, allows it: `npm run demo` runs a production build on
 * purpose with the development key; BATON_ALLOW_DEV_AUDIT_KEY=1 allows it alone).
 */
function auditKeyProblem(e: z.infer<typeof envSchema>, source: Record<string, string | undefined>): string | null {
  if (e.NODE_ENV !== "production" || e.DEMO_MODE || source.BATON_ALLOW_DEV_AUDIT_KEY === "1") return null;
  if (!e.AUDIT_SIGNING_KEY) return "AUDIT_SIGNING_KEY is required in production (generate one with: npm run audit:keygen)";
  if (e.AUDIT_SIGNING_KEY.trim() === DEV_AUDIT_SIGNING_KEY) return "AUDIT_SIGNING_KEY is the development key from .env.example; generate your own (npm run audit:keygen)";
  return null;
}

export type Env = z.infer<typeof envSchema>;

let cached: Env | undefined;

export class EnvError extends Error {}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ");
    throw new EnvError(`Invalid configuration: ${problems}. See .env.example.`);
  }
  const keyProblem = auditKeyProblem(result.data, source);
  if (keyProblem) throw new EnvError(`Invalid configuration: ${keyProblem}. See .env.example.`);
  return result.data;
}

export function env(): Env {
  if (!cached) cached = parseEnv(process.env);
  return cached;
}

/** For boot scripts: print one line and exit on bad configuration. */
export function envOrExit(): Env {
  try {
    return env();
  } catch (e) {
    if (e instanceof EnvError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
}
