import { afterEach, describe, expect, it, vi } from "vitest";
import { generateKeyPairSync } from "node:crypto";
import { DEV_AUDIT_SIGNING_KEY } from "./audit/signing";
import { EXAMPLE_AUTH_SECRET, EXAMPLE_SECRETS_KEY, EnvError, parseEnv, parseRedisNode } from "./env";

const VALID = { DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/baton_dev", AUTH_SECRET: "0123456789abcdef0123" };

function messageOf(source: Record<string, string | undefined>): string {
  try {
    parseEnv(source);
  } catch (e) {
    expect(e).toBeInstanceOf(EnvError);
    return (e as Error).message;
  }
  throw new Error("expected parseEnv to throw");
}

describe("parseEnv", () => {
  it("applies defaults to a minimal configuration", () => {
    const env = parseEnv(VALID);
    expect(env).toMatchObject({
      NODE_ENV: "development",
      REDIS_URL: "redis://127.0.0.1:6379",
      REDIS_PREFIX: "baton",
      PORT: 3000,
      WORKER_HEALTH_PORT: 3001,
      LOG_LEVEL: "info",
    });
  });

  it("keeps dispatched outbox rows at least a day", () => {
    expect(parseEnv(VALID).OUTBOX_RETENTION_HOURS).toBe(72);
    expect(parseEnv({ ...VALID, OUTBOX_RETENTION_HOURS: "24" }).OUTBOX_RETENTION_HOURS).toBe(24);
    expect(messageOf({ ...VALID, OUTBOX_RETENTION_HOURS: "1" })).toContain("OUTBOX_RETENTION_HOURS");
  });

  it("production needs its own audit signing key (ADR 026)", () => {
    const prod = { ...VALID, NODE_ENV: "production", AUTH_SECRET: "a-long-and-random-production-secret-0123456789" };
    expect(messageOf(prod)).toContain("AUDIT_SIGNING_KEY is required in production");
    expect(messageOf({ ...prod, AUDIT_SIGNING_KEY: DEV_AUDIT_SIGNING_KEY })).toContain("development key");
    expect(parseEnv({ ...prod, AUDIT_SIGNING_KEY: DEV_AUDIT_SIGNING_KEY, BATON_ALLOW_DEV_AUDIT_KEY: "1" }).AUDIT_SIGNING_KEY).toBe(DEV_AUDIT_SIGNING_KEY);
    const own = generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    expect(parseEnv({ ...prod, AUDIT_SIGNING_KEY: own }).AUDIT_SIGNING_KEY).toBe(own);
    expect(messageOf({ ...VALID, AUDIT_SIGNING_KEY: "not a key" })).toContain("AUDIT_SIGNING_KEY must be an Ed25519 private key");
    expect(parseEnv(VALID).AUDIT_SIGNING_KEY).toBeUndefined();
  });

  it("coerces numbers from strings", () => {
    expect(parseEnv({ ...VALID, PORT: "3100", WORKER_HEALTH_PORT: "0" })).toMatchObject({ PORT: 3100, WORKER_HEALTH_PORT: 0 });
  });

  it("explains a missing DATABASE_URL in one readable line", () => {
    const msg = messageOf({ AUTH_SECRET: VALID.AUTH_SECRET });
    expect(msg).not.toContain("\n");
    expect(msg).toBe(
      "Invalid configuration: DATABASE_URL is required (e.g. postgresql://postgres@127.0.0.1:5432/baton_dev). See .env.example.",
    );
  });

  it("names every bad variable at once", () => {
    const msg = messageOf({ DATABASE_URL: "mysql://x", AUTH_SECRET: "short", REDIS_PREFIX: "has space", PORT: "99999" });
    expect(msg).not.toContain("\n");
    expect(msg).toContain("DATABASE_URL must be a postgresql:// URL");
    expect(msg).toContain("AUTH_SECRET must be at least 16 characters");
    expect(msg).toContain("REDIS_PREFIX must be 1-64 letters");
    expect(msg).toContain("PORT");
  });

  it("rejects a non-URL AUTH_URL and an unknown log level", () => {
    expect(messageOf({ ...VALID, AUTH_URL: "localhost" })).toContain("AUTH_URL must be a URL");
    expect(messageOf({ ...VALID, LOG_LEVEL: "loud" })).toContain("LOG_LEVEL");
  });
});

describe("envOrExit", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
    vi.resetModules();
  });

  it("prints one line and exits 1 when DATABASE_URL is missing", async () => {
    vi.stubEnv("DATABASE_URL", undefined);
    vi.stubEnv("AUTH_SECRET", VALID.AUTH_SECRET);
    const exit = vi.spyOn(process, "exit").mockImplementation(((code?: number) => {
      throw new Error(`exit ${code}`);
    }) as typeof process.exit);
    const error = vi.spyOn(console, "error").mockImplementation(() => undefined);
    vi.resetModules();
    const { envOrExit } = await import("./env");
    expect(() => envOrExit()).toThrow("exit 1");
    expect(exit).toHaveBeenCalledWith(1);
    expect(error).toHaveBeenCalledTimes(1);
    const line = String(error.mock.calls[0]?.[0]);
    expect(line).toMatch(/^Invalid configuration: DATABASE_URL is required/);
    expect(line).not.toContain("\n");
  });
});

describe("BATON_SECRETS_KEY", () => {
  it("accepts 32 bytes as base64 or hex, and is optional", () => {
    expect(parseEnv(VALID).BATON_SECRETS_KEY).toBeUndefined();
    const b64 = Buffer.alloc(32, 7).toString("base64");
    expect(parseEnv({ ...VALID, BATON_SECRETS_KEY: b64 }).BATON_SECRETS_KEY).toBe(b64);
    expect(parseEnv({ ...VALID, BATON_SECRETS_KEY: "ab".repeat(32) }).BATON_SECRETS_KEY).toBe("ab".repeat(32));
  });

  it("explains a key of the wrong size in one line", () => {
    const msg = messageOf({ ...VALID, BATON_SECRETS_KEY: Buffer.alloc(16).toString("base64") });
    expect(msg).not.toContain("\n");
    expect(msg).toContain("BATON_SECRETS_KEY must be 32 random bytes as base64 or hex (generate one with: openssl rand -base64 32)");
  });

  it("rate limit defaults to 6000 a minute and 0 turns it off", () => {
    expect(parseEnv(VALID).API_RATE_LIMIT_PER_MINUTE).toBe(6000);
    expect(parseEnv({ ...VALID, API_RATE_LIMIT_PER_MINUTE: "0" }).API_RATE_LIMIT_PER_MINUTE).toBe(0);
  });
});

describe("notification settings", () => {
  it("leaves e-mail off when SMTP_URL is unset or empty, and checks it and MAIL_FROM otherwise", () => {
    expect(parseEnv(VALID).SMTP_URL).toBeUndefined();
    expect(parseEnv({ ...VALID, SMTP_URL: "" }).SMTP_URL).toBeUndefined();
    expect(parseEnv({ ...VALID, SMTP_URL: "smtps://u:p@mail.example.com:465" }).SMTP_URL).toBe("smtps://u:p@mail.example.com:465");
    expect(messageOf({ ...VALID, SMTP_URL: "http://mail.example.com" })).toMatch(/SMTP_URL must be an smtp:\/\/ or smtps:\/\/ URL/);
    expect(parseEnv({ ...VALID, MAIL_FROM: "Acme Approvals <approvals@acme.test>" }).MAIL_FROM).toBe("Acme Approvals <approvals@acme.test>");
    expect(messageOf({ ...VALID, MAIL_FROM: "not an address" })).toMatch(/MAIL_FROM/);
    expect(messageOf({ ...VALID, WEBHOOK_MAX_ATTEMPTS: "0" })).toMatch(/WEBHOOK_MAX_ATTEMPTS/);
  });
});

describe("read replica and Redis Cluster (ADR 049)", () => {
  it("takes an optional replica URL and its lag threshold", () => {
    expect(parseEnv(VALID).DATABASE_REPLICA_URL).toBeUndefined();
    expect(parseEnv({ ...VALID, DATABASE_REPLICA_URL: "" }).DATABASE_REPLICA_URL).toBeUndefined();
    const e = parseEnv({ ...VALID, DATABASE_REPLICA_URL: "postgresql://app:pw@replica:5432/baton", DATABASE_REPLICA_LAG_NOTICE_SECONDS: "2.5" });
    expect(e).toMatchObject({ DATABASE_REPLICA_URL: "postgresql://app:pw@replica:5432/baton", DATABASE_REPLICA_LAG_NOTICE_SECONDS: 2.5, DATABASE_REPLICA_RETRY_MS: 10_000 });
    expect(parseEnv(VALID).DATABASE_REPLICA_LAG_NOTICE_SECONDS).toBe(5);
    expect(messageOf({ ...VALID, DATABASE_REPLICA_URL: "mysql://replica/baton" })).toMatch(/DATABASE_REPLICA_URL must be a postgresql:\/\/ URL/);
    expect(messageOf({ ...VALID, DATABASE_REPLICA_LAG_NOTICE_SECONDS: "-1" })).toMatch(/DATABASE_REPLICA_LAG_NOTICE_SECONDS/);
  });

  it("takes cluster seed nodes as host:port or redis URLs, and names a bad one", () => {
    expect(parseEnv(VALID).REDIS_CLUSTER_NODES).toBeUndefined();
    const nodes = "10.0.0.1:6379, redis://:secret@10.0.0.2:6380,[::1]:7000,rediss://cache.example.com";
    expect(parseEnv({ ...VALID, REDIS_CLUSTER_NODES: nodes }).REDIS_CLUSTER_NODES).toBe(nodes);
    expect(parseRedisNode("10.0.0.1:6379")).toEqual({ host: "10.0.0.1", port: 6379, url: null });
    expect(parseRedisNode("[::1]:7000")).toMatchObject({ host: "::1", port: 7000 });
    expect(parseRedisNode("rediss://cache.example.com")).toMatchObject({ host: "cache.example.com", port: 6379 });
    expect(parseRedisNode("redis://:secret@10.0.0.2:6380")?.url?.password).toBe("secret");
    expect(messageOf({ ...VALID, REDIS_CLUSTER_NODES: "10.0.0.1:6379,nope" })).toMatch(/REDIS_CLUSTER_NODES "nope" must be host:port or a redis:\/\/ URL/);
    expect(messageOf({ ...VALID, REDIS_CLUSTER_NODES: "10.0.0.1:99999" })).toMatch(/REDIS_CLUSTER_NODES/);
    expect(messageOf({ ...VALID, REDIS_CLUSTER_NODES: " , " })).toMatch(/REDIS_CLUSTER_NODES must name at least one node/);
  });
});

// Security review M16: production refuses the defaults anyone can read in .env.example.
describe("unsafe production defaults", () => {
  const ownAuditKey = generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const prod = { ...VALID, NODE_ENV: "production", AUTH_SECRET: "a-long-and-random-production-secret-0123456789", AUDIT_SIGNING_KEY: ownAuditKey };
  it("refuses the example AUTH_SECRET, a short one and the example secrets key, in one readable line", () => {
    expect(messageOf({ ...prod, AUTH_SECRET: EXAMPLE_AUTH_SECRET })).toMatch(/^Invalid configuration: AUTH_SECRET is the example value/);
    expect(messageOf({ ...prod, AUTH_SECRET: "0123456789abcdef0123" })).toContain("shorter than 32 characters");
    expect(messageOf({ ...prod, BATON_SECRETS_KEY: EXAMPLE_SECRETS_KEY })).toContain("BATON_SECRETS_KEY is the example key");
  });

  it("accepts them in demo mode and outside production, and a real configuration in production", () => {
    expect(parseEnv({ ...prod, AUTH_SECRET: EXAMPLE_AUTH_SECRET, BATON_SECRETS_KEY: EXAMPLE_SECRETS_KEY, DEMO_MODE: "true" }).DEMO_MODE).toBe(true);
    expect(parseEnv({ ...prod, AUDIT_SIGNING_KEY: DEV_AUDIT_SIGNING_KEY, DEMO_MODE: "true" }).DEMO_MODE).toBe(true);
    expect(parseEnv({ ...VALID, AUTH_SECRET: EXAMPLE_AUTH_SECRET }).DEMO_MODE).toBe(false);
    expect(parseEnv(prod).NODE_ENV).toBe("production");
  });

  it("validates the egress allow-list and the trusted proxies", () => {
    expect(parseEnv({ ...VALID, OUTBOUND_ALLOW_HOSTS: "erp.internal.example, 10.0.0.0/8 *.corp.example ::1" }).OUTBOUND_ALLOW_HOSTS).toBeTruthy();
    expect(messageOf({ ...VALID, OUTBOUND_ALLOW_HOSTS: "http://erp" })).toContain("OUTBOUND_ALLOW_HOSTS");
    expect(messageOf({ ...VALID, TRUSTED_PROXIES: "proxy.example" })).toContain("TRUSTED_PROXIES");
    expect(parseEnv({ ...VALID, TRUSTED_PROXIES: "10.0.0.0/8,127.0.0.1" }).TRUSTED_PROXIES).toBeTruthy();
  });
});
