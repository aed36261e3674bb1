#!/usr/bin/env node
// `npm test`: everything a fresh clone needs to prove itself, in one command.
//
//   1. npm ci / npm install when node_modules is missing or older than package-lock.json
//   2. checks PostgreSQL (DATABASE_URL's server, default 127.0.0.1:5432), Redis (REDIS_URL,
//      default 127.0.0.1:6379) and, for e2e, Chromium (CHROMIUM_PATH or /usr/bin/chromium)
//   3. creates this run's own databases baton_test_<yyyymmddhhmmss>_<pid> (integration) and
//      <that>_e2e (e2e, seeded with the demo organisation) on that server, and Redis key
//      prefixes <that> and <that>_e2e; prisma generate + migrate deploy
//   4. runs the suites — static (tsc, eslint, import rules, the image's Dockerfile and compose file), unit (vitest), tck (the DMN TCK
//      against the floor in scripts/tck/floor.json), integration (vitest), e2e (next build + Playwright) —
//      carrying on after a failure, then prints each suite's counts and `Summary: N passed, M failed`
//   5. drops the databases and deletes the Redis keys it created (never anyone else's) and
//      exits non-zero if anything failed.
//
// Environment:
//   BATON_TEST_SUITES=unit,integration   run a subset (any of static, unit, tck, integration, e2e; default all)
//   BATON_TEST_SKIP_BUILD=1              e2e reuses the existing .next build (local iteration only)
//   BATON_TEST_KEEP=1                    keep the databases and Redis keys for debugging
//   BATON_TEST_SHARDS=2                  integration vitest processes side by side (1–4), each on its own database copy
//   BATON_E2E_SHARDS=2                   Playwright processes side by side (1–4), each with its own copy of the seeded
//                                        database, Redis prefix, web server, worker and ports (E2E_PORT + 10 × (i − 1))
//   npm test -- <file filters…>          run only matching files: *.test.ts filters go to vitest,
//                                        *.spec.ts filters to Playwright (auth setup always runs)
//   DATABASE_URL / REDIS_URL             which servers to use (from the environment, else .env)
//   DATABASE_OWNER_URL                   the owner role on that server (default: DATABASE_URL's user); it
//                                        creates the databases and migrates them, while the suites run as
//                                        the application role baton_test_app (ADR 025)
//   CHROMIUM_PATH                        Chromium binary for Playwright
//   E2E_PORT / E2E_WORKER_HEALTH_PORT    ports for the web server (server.ts) and the worker's health (3100 / 3101)
//   E2E_SMTP_PORT                        loopback SMTP server of the e2e specs (default E2E_PORT + 25)
import { spawn, spawnSync } from "node:child_process";
import { closeSync, existsSync, lstatSync, mkdtempSync, openSync, readFileSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { grantAppRole } from "./lib/db-roles.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);
const bin = (name) => path.join(root, "node_modules", ".bin", name);
const started = Date.now();
const log = (msg) => console.log(`\n[test] ${msg}`);
const seconds = (ms) => `${(ms / 1000).toFixed(1)}s`;

const ALL_SUITES = ["static", "unit", "tck", "integration", "e2e"];
const suites = (process.env.BATON_TEST_SUITES ?? ALL_SUITES.join(","))
  .split(",")
  .map((s) => s.trim())
  .filter(Boolean);
const unknown = suites.filter((s) => !ALL_SUITES.includes(s));
if (unknown.length) fail(`Unknown suite(s) in BATON_TEST_SUITES: ${unknown.join(", ")} (choose from ${ALL_SUITES.join(", ")})`);
// `npm test -- tests/engine.int.test.ts e2e/inbox.spec.ts`: run only those files (local iteration).
const fileFilters = process.argv.slice(2);
const vitestFilters = fileFilters.filter((f) => !/\.spec\.ts$/.test(f));
const playwrightFilters = fileFilters.filter((f) => /\.spec\.ts$/.test(f));
const wants = (s) =>
  suites.includes(s) && (!fileFilters.length || (s === "e2e" ? playwrightFilters.length > 0 : vitestFilters.length > 0));

function fail(line) {
  console.error(line);
  process.exit(1);
}

// --- configuration: the environment first, then .env / .env.local for the server addresses ----
function readDotenv(file) {
  const out = {};
  if (!existsSync(file)) return out;
  for (const line of readFileSync(file, "utf8").split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)\s*$/.exec(line);
    if (m) out[m[1]] = m[2].replace(/^(['"])(.*)\1$/, "$2");
  }
  return out;
}
const dotenv = { ...readDotenv(path.join(root, ".env")), ...readDotenv(path.join(root, ".env.local")) };
// Two roles (ADR 025): the owner (DATABASE_OWNER_URL, else DATABASE_URL's user, as before) creates,
// migrates and drops this run's databases; the web app, the worker and the tests connect as the
// application role, which owns nothing. It is one role for every run (roles are cluster-wide; its
// creation is idempotent and race-safe), granted per database, and its grants go with the database.
const baseDatabaseUrl = new URL(
  process.env.DATABASE_OWNER_URL || process.env.DATABASE_URL || dotenv.DATABASE_OWNER_URL || dotenv.DATABASE_URL || "postgresql://postgres@127.0.0.1:5432/postgres",
);
const APP_ROLE = { user: "baton_test_app", password: "baton_test_app" };
const redisUrl = process.env.REDIS_URL || dotenv.REDIS_URL || "redis://127.0.0.1:6379";

// --- 1. dependencies ---------------------------------------------------------------------------
function mtime(p) {
  try {
    return statSync(p).mtimeMs;
  } catch {
    return 0;
  }
}
{
  const lock = path.join(root, "package-lock.json");
  const installed = path.join(root, "node_modules", ".package-lock.json");
  const missing = !existsSync(path.join(root, "node_modules")) || !existsSync(bin("vitest"));
  const linked = existsSync(path.join(root, "node_modules")) && lstatSync(path.join(root, "node_modules")).isSymbolicLink();
  if (linked && !missing) {
    // A copy of the tree that borrows another checkout's node_modules: `npm ci` here would empty
    // the shared folder through the link, so leave installing to the checkout that owns it.
    if (existsSync(lock) && mtime(installed) < mtime(lock)) log("node_modules is a link to another checkout: not reinstalling through it");
  } else if (missing || (existsSync(lock) && mtime(installed) < mtime(lock))) {
    const args = existsSync(lock) ? ["ci", "--no-audit", "--no-fund"] : ["install", "--no-audit", "--no-fund"];
    log(`node_modules ${missing ? "is missing" : "is older than package-lock.json"}: npm ${args[0]}`);
    const r = spawnSync("npm", args, { stdio: "inherit", cwd: root });
    if (r.status !== 0) fail(`npm ${args[0]} failed (exit ${r.status}); fix the install and run npm test again`);
  }
}

// --- 2. services -------------------------------------------------------------------------------
function reachable(host, port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 3000 });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once("connect", () => done(true));
    socket.once("timeout", () => done(false));
    socket.once("error", () => done(false));
  });
}
const pgHost = baseDatabaseUrl.hostname || "127.0.0.1";
const pgPort = Number(baseDatabaseUrl.port || 5432);
const redisParsed = new URL(redisUrl);
const redisHost = redisParsed.hostname || "127.0.0.1";
const redisPort = Number(redisParsed.port || 6379);
if (!(await reachable(pgHost, pgPort))) {
  fail(`PostgreSQL is not reachable at ${pgHost}:${pgPort} — start it (pg_ctlcluster 15 main start, or docker compose up -d postgres)`);
}
if (!(await reachable(redisHost, redisPort))) {
  fail(`Redis is not reachable at ${redisHost}:${redisPort} — start it (redis-server --daemonize yes, or docker compose up -d redis)`);
}
const chromium = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
if (wants("e2e") && !existsSync(chromium)) fail("Chromium not found: apt-get install -y chromium (or set CHROMIUM_PATH)");

// --- 3. this run's databases and Redis prefixes ------------------------------------------------
const require = createRequire(path.join(root, "package.json"));
const pg = require("pg");
const { Redis } = require("ioredis");

const now = new Date();
const pad = (n) => String(n).padStart(2, "0");
const stamp = `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`;
const runId = `baton_test_${stamp}_${process.pid}`;
// The integration files share a database and a Redis prefix, so one vitest process runs them one
// after another; `npm test` runs them as BATON_TEST_SHARDS processes (default 2), each with its
// own copy of the migrated database and its own prefix (most of the suite waits on I/O and timers).
const shards = Math.max(1, Math.min(4, Number(process.env.BATON_TEST_SHARDS ?? 2) || 1));
const shardDb = (i) => (i === 1 ? runId : `${runId}_s${i}`);
const dbs = { integration: runId, e2e: `${runId}_e2e` };
const prefixes = { integration: runId, e2e: `${runId}_e2e` };
for (let i = 2; i <= shards; i++) prefixes[`integration${i}`] = shardDb(i);
const requestedE2eShards = Math.max(1, Math.min(4, Number(process.env.BATON_E2E_SHARDS ?? 2) || 1));
const e2eShardDb = (i) => (i === 1 ? dbs.e2e : `${dbs.e2e}_s${i}`);
for (let i = 2; i <= requestedE2eShards; i++) prefixes[`e2e${i}`] = e2eShardDb(i);
// A few chosen specs run in one process: a shard of them would cost a server start for little.
const e2eShards = playwrightFilters.length ? 1 : requestedE2eShards;
const urlFor = (name) => {
  const u = new URL(baseDatabaseUrl);
  u.pathname = `/${name}`;
  return u.toString();
};
/** The same database as the application role. */
const appUrlFor = (name) => {
  const u = new URL(urlFor(name));
  u.username = APP_ROLE.user;
  u.password = APP_ROLE.password;
  return u.toString();
};
const adminUrl = urlFor("postgres");
const reportDir = mkdtempSync(path.join(os.tmpdir(), `${runId}-`));

async function withAdmin(fn) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

let cleaning;
/** Drops every database this run created (including ones tests made, e.g. <run>_migrate) and its Redis keys. */
function cleanup() {
  cleaning ??= removeRunData();
  return cleaning;
}
async function removeRunData() {
  const problems = [];
  if (process.env.BATON_TEST_KEEP) {
    console.log(`[test] BATON_TEST_KEEP set: keeping databases ${runId}* and Redis keys ${runId}:* / ${runId}_e2e:*`);
    return problems;
  }
  try {
    await withAdmin(async (c) => {
      const { rows } = await c.query("SELECT datname FROM pg_database");
      const ours = rows.map((r) => r.datname).filter((n) => n === runId || n.startsWith(`${runId}_`));
      for (const name of ours) await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    });
  } catch (e) {
    problems.push(`could not drop databases ${runId}*: ${e.message}`);
  }
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  redis.on("error", () => undefined);
  try {
    await redis.connect();
    for (const prefix of Object.values(prefixes)) {
      let cursor = "0";
      do {
        const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
        cursor = next;
        if (keys.length) await redis.unlink(...keys);
      } while (cursor !== "0");
    }
  } catch (e) {
    problems.push(`could not delete Redis keys ${runId}:*: ${e.message}`);
  } finally {
    redis.disconnect();
  }
  rmSync(reportDir, { recursive: true, force: true });
  return problems;
}

const children = new Set();
let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    console.error(`\n[test] ${signal}: stopping and cleaning up`);
    for (const child of children) child.kill("SIGTERM");
    void cleanup().finally(() => process.exit(130));
  });
}

/**
 * Runs a command; resolves with its exit code. Output is inherited, or written to `logFile` when one
 * is given (a command running alongside another suite must not interleave with its output).
 */
function run(cmd, args, env = {}, logFile) {
  return new Promise((resolve) => {
    const stdio = logFile ? ["ignore", openSync(logFile, "w"), "pipe"] : "inherit";
    if (logFile) stdio[2] = stdio[1];
    const child = spawn(cmd, args, { stdio, cwd: root, env: { ...process.env, ...env } });
    if (logFile) closeSync(stdio[1]);
    children.add(child);
    child.on("exit", (code, signal) => {
      children.delete(child);
      resolve(code ?? (signal ? 1 : 0));
    });
    child.on("error", (e) => {
      console.error(`[test] could not start ${cmd}: ${e.message}`);
      resolve(1);
    });
  });
}

const results = [];
function record(name, r) {
  results.push({ name, ...r });
  const counts = name === "build" && !r.failed ? "ok" : `${r.passed} passed, ${r.failed} failed, ${r.skipped ?? 0} skipped${r.note ? ` (${r.note})` : ""}`;
  console.log(`[test] ${name}: ${counts} in ${seconds(r.ms)}`);
}

const common = {
  CI: process.env.CI ?? "",
  REDIS_URL: redisUrl,
  AUTH_SECRET: "baton-test-secret-0123456789abcdef",
  // Named secrets' key for test runs only (32 bytes, base64).
  BATON_SECRETS_KEY: "dGVzdC1vbmx5LWJhdG9uLXNlY3JldHMta2V5LTMyYiE=",
  // Ed25519 key that signs audit checkpoints, for test runs only (ADR 026).
  AUDIT_SIGNING_KEY: "MC4CAQAwBQYDK2VwBCIEIHQGHeeGTQelHFB7xlIdmZEDD6DhAOzgMGFIwx8bnoj0",
  AUTH_TRUST_HOST: "true",
  // The tests' receivers and the demo ERP listen on loopback: allowed here explicitly (the
  // egress policy refuses loopback by default; tests/outbound.int.test.ts checks that).
  OUTBOUND_ALLOW_HOSTS: "127.0.0.1,localhost",
  // The e2e specs run against the demo organisation and its stand-in ERP.
  DEMO_MODE: "true",
  LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
  NEXT_TELEMETRY_DISABLED: "1",
  VITE_CONFIG_NATIVE_IGNORE_WARNING: "true",
  BATON_TEST_RUN: runId,
};
const integrationEnv = { ...common, DATABASE_URL: appUrlFor(dbs.integration), DATABASE_OWNER_URL: urlFor(dbs.integration), REDIS_PREFIX: prefixes.integration };
const webPort = process.env.E2E_PORT || "3100";
const workerPort = process.env.E2E_WORKER_HEALTH_PORT || "3101";
const e2eEnv = {
  ...common,
  DATABASE_URL: appUrlFor(dbs.e2e),
  DATABASE_OWNER_URL: urlFor(dbs.e2e),
  REDIS_PREFIX: prefixes.e2e,
  PORT: webPort,
  AUTH_URL: `http://127.0.0.1:${webPort}`,
  WORKER_HEALTH_PORT: workerPort,
  E2E_PORT: webPort,
  E2E_WORKER_HEALTH_PORT: workerPort,
  // The loopback SMTP server the e2e specs start; the worker's SMTP_URL points at it (playwright.config.ts).
  E2E_SMTP_PORT: process.env.E2E_SMTP_PORT || String(Number(webPort) + 25),
  CHROMIUM_PATH: chromium,
  PLAYWRIGHT_JSON_OUTPUT_FILE: path.join(reportDir, "e2e.json"),
  // The demo ERP's down endpoint shares its host with the working ones: keep the per-host circuit
  // breaker (tested in tests/engine-runtime.int.test.ts) from pausing the specs' ERP calls.
  CIRCUIT_FAILURE_THRESHOLD: process.env.CIRCUIT_FAILURE_THRESHOLD || "1000",
};

/** The environment of e2e shard i (1-based): its own database copy, Redis prefix, ports, auth files and outputs. */
function e2eShardEnv(i) {
  if (i === 1 && e2eShards === 1) return e2eEnv;
  const web = Number(webPort) + 10 * (i - 1);
  return {
    ...e2eEnv,
    DATABASE_URL: appUrlFor(e2eShardDb(i)),
    DATABASE_OWNER_URL: urlFor(e2eShardDb(i)),
    REDIS_PREFIX: i === 1 ? prefixes.e2e : prefixes[`e2e${i}`],
    PORT: String(web),
    AUTH_URL: `http://127.0.0.1:${web}`,
    WORKER_HEALTH_PORT: String(web + 1),
    E2E_PORT: String(web),
    E2E_WORKER_HEALTH_PORT: String(web + 1),
    E2E_SMTP_PORT: String(web + 25),
    E2E_AUTH_DIR: path.join(reportDir, `auth-${i}`),
    PLAYWRIGHT_OUTPUT_DIR: path.join("test-results", `shard-${i}`),
    PLAYWRIGHT_JSON_OUTPUT_FILE: path.join(reportDir, `e2e-${i}.json`),
  };
}

async function prepare() {
  log(`run ${runId}: databases ${[wants("integration") && dbs.integration, wants("e2e") && dbs.e2e].filter(Boolean).join(", ") || "(none)"} on ${pgHost}:${pgPort}`);
  if ((await run(process.execPath, ["scripts/prisma.mjs", "generate"], { DATABASE_URL: urlFor(dbs.integration), DATABASE_OWNER_URL: urlFor(dbs.integration) })) !== 0) return "prisma generate failed";
  // The build needs the generated client, not the databases: it starts now, beside the migrations and the seed.
  if (wants("e2e") && !interrupted) build = startBuild();
  const needed = [wants("integration") && "integration", wants("e2e") && "e2e"].filter(Boolean);
  // One `migrate deploy`; a second database is a copy of the first (nothing is connected to it yet).
  const [first, ...copies] = needed;
  if (!first) return null;
  await withAdmin((c) => c.query(`CREATE DATABASE "${dbs[first]}"`));
  log(`migrate deploy → ${dbs[first]}${copies.length ? ` (copied to ${copies.map((w) => dbs[w]).join(", ")})` : ""}`);
  const firstOwnerUrl = urlFor(dbs[first]);
  if ((await run(process.execPath, ["scripts/prisma.mjs", "migrate", "deploy"], { DATABASE_URL: firstOwnerUrl, DATABASE_OWNER_URL: firstOwnerUrl })) !== 0) return `migrate deploy on ${dbs[first]} failed`;
  await withAdmin(async (c) => {
    for (const which of copies) await c.query(`CREATE DATABASE "${dbs[which]}" TEMPLATE "${dbs[first]}"`);
  });
  for (const which of needed) await grantAppRole({ ownerUrl: urlFor(dbs[which]), appUrl: appUrlFor(dbs[which]) });
  if (wants("integration") && shards > 1) {
    // A copy of the migrated database per extra shard (no one is connected to it yet).
    await withAdmin(async (c) => {
      for (let i = 2; i <= shards; i++) await c.query(`CREATE DATABASE "${shardDb(i)}" TEMPLATE "${dbs.integration}"`);
    });
    for (let i = 2; i <= shards; i++) await grantAppRole({ ownerUrl: urlFor(shardDb(i)), appUrl: appUrlFor(shardDb(i)) });
  }
  if (wants("e2e")) {
    log(`seeding ${dbs.e2e} with the demo organisation`);
    if ((await run(bin("tsx"), ["prisma/seed.ts"], e2eEnv)) !== 0) return "seeding the e2e database failed";
    // Each further shard starts from a copy of the seeded database (nothing is connected to it now).
    await withAdmin(async (c) => {
      for (let i = 2; i <= e2eShards; i++) await c.query(`CREATE DATABASE "${e2eShardDb(i)}" TEMPLATE "${dbs.e2e}"`);
    });
    for (let i = 2; i <= e2eShards; i++) await grantAppRole({ ownerUrl: urlFor(e2eShardDb(i)), appUrl: appUrlFor(e2eShardDb(i)) });
  }
  return null;
}

/** Every test of a Playwright JSON report with its time (all attempts), for the "slowest" list. */
function playwrightTimes(report, shard) {
  const out = [];
  const walk = (suite, titles) => {
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests ?? []) {
        const ms = (t.results ?? []).reduce((sum, r) => sum + (r.duration ?? 0), 0);
        out.push({ title: [...titles, spec.title].filter(Boolean).join(" › "), file: spec.file, ms, shard });
      }
    }
    for (const child of suite.suites ?? []) walk(child, [...titles, child.title === child.file ? "" : child.title]);
  };
  for (const suite of report?.suites ?? []) walk(suite, []);
  return out;
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}

async function vitestSuite(project, env) {
  const parts = project === "integration" ? shards : 1;
  log(`${project} tests (vitest --project ${project}${parts > 1 ? `, ${parts} shards side by side; shard 1 prints as it goes, the others when done` : ""})`);
  const t0 = Date.now();
  const runs = [];
  for (let i = 1; i <= parts; i++) {
    const out = path.join(reportDir, `${project}${parts > 1 ? `-${i}` : ""}.json`);
    const shardArgs = parts > 1 ? [`--shard=${i}/${parts}`] : [];
    const shardEnv = i === 1 ? env : { ...env, DATABASE_URL: appUrlFor(shardDb(i)), DATABASE_OWNER_URL: urlFor(shardDb(i)), REDIS_PREFIX: shardDb(i) };
    const logFile = i === 1 ? undefined : path.join(reportDir, `${project}-${i}.log`);
    const args = ["run", "--project", project, ...shardArgs, "--reporter=default", "--reporter=json", `--outputFile.json=${out}`, ...(fileFilters.length ? ["--passWithNoTests", ...vitestFilters] : [])];
    runs.push(run(bin("vitest"), args, shardEnv, logFile).then((code) => ({ code, out, logFile })));
  }
  const done = await Promise.all(runs);
  for (const { logFile } of done) if (logFile) console.log(readFileSync(logFile, "utf8"));
  const ms = Date.now() - t0;
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const notes = [];
  const fileTimes = [];
  for (const [i, { code, out }] of done.entries()) {
    const shard = parts > 1 ? `shard ${i + 1}: ` : "";
    const report = readJson(out);
    if (!report) {
      failed += 1;
      notes.push(`${shard}vitest exited ${code} without a report`);
      continue;
    }
    let shardFailed = report.numFailedTests ?? 0;
    // A file that fails to load (import error, failing setup) has no failed test of its own: count it once.
    const brokenFiles = (report.testResults ?? []).filter(
      (f) => f.status === "failed" && !(f.assertionResults ?? []).some((a) => a.status === "failed"),
    ).length;
    if (brokenFiles > 0) {
      shardFailed += brokenFiles;
      notes.push(`${shard}${brokenFiles} file(s) failed to run`);
    }
    if (shardFailed === 0 && code !== 0) {
      shardFailed = 1;
      notes.push(`${shard}vitest exited ${code} (unhandled errors?)`);
    }
    passed += report.numPassedTests ?? 0;
    failed += shardFailed;
    skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
    for (const f of report.testResults ?? []) fileTimes.push({ file: path.relative(root, f.name), ms: (f.endTime ?? 0) - (f.startTime ?? 0), shard: i + 1 });
  }
  if (project === "integration") {
    // Where the integration minutes go: per shard, then the slowest files.
    const perShard = done.map((_, i) => fileTimes.filter((t) => t.shard === i + 1).reduce((sum, t) => sum + t.ms, 0));
    console.log(`\n[test] integration file time per shard: ${perShard.map((ms, i) => `${i + 1}: ${seconds(ms)}`).join(", ")}; slowest:`);
    for (const t of [...fileTimes].sort((a, b) => b.ms - a.ms).slice(0, 10)) console.log(`  ${seconds(t.ms).padStart(7)}  [${t.shard}] ${t.file}`);
  }
  record(project, { passed, failed, skipped, ms, note: notes.join("; ") || undefined });
}

/**
 * The checks that read the code: the type checker, ESLint, the import rules (.dependency-cruiser.cjs)
 * and the image's files. `besideOthers`: another suite is printing meanwhile, so each check's
 * output goes to a file, printed when the check fails.
 */
/** Output of failed static checks that ran beside another suite, printed after it. */
const staticOutput = [];
async function staticSuite({ besideOthers = false } = {}) {
  log(`static checks (tsc --noEmit, eslint, import rules, Dockerfile and compose)${besideOthers ? ", beside the integration tests; a failing check's output is printed when they end" : ""}`);
  const t0 = Date.now();
  const checks = [
    ["typecheck", bin("tsc"), ["--noEmit"]],
    ["eslint", bin("eslint"), ["."]],
    ["imports", bin("depcruise"), ["lib", "components", "--config", ".dependency-cruiser.cjs"]],
    // The container image and the production compose file, read and checked against the tree
    // (ADR 050); the full rehearsal is `npm run release:image-check`.
    ["image", process.execPath, ["--import", "tsx", "scripts/release/image-rehearsal.mjs", "--static"]],
  ];
  const failedChecks = [];
  for (const [name, cmd, args] of checks) {
    const logFile = besideOthers ? path.join(reportDir, `static-${name}.log`) : undefined;
    if ((await run(cmd, args, common, logFile)) === 0) continue;
    failedChecks.push(name);
    if (logFile) staticOutput.push(`\n[test] ── static: ${name} failed ──\n${readFileSync(logFile, "utf8").split("\n").slice(-80).join("\n")}`);
  }
  record("static", { passed: checks.length - failedChecks.length, failed: failedChecks.length, ms: Date.now() - t0, note: failedChecks.length ? `failed: ${failedChecks.join(", ")}` : undefined });
}

/**
 * The DMN TCK (`npm run tck`): fails when a level passes fewer cases than the floor recorded in
 * scripts/tck/floor.json (raise the floor when the score goes up; never lower it to pass).
 */
async function tckSuite() {
  log("DMN TCK (npm run tck) against scripts/tck/floor.json");
  const t0 = Date.now();
  const logFile = path.join(reportDir, "tck.log");
  const code = await run(bin("tsx"), ["scripts/tck.ts"], common, logFile);
  const output = readFileSync(logFile, "utf8");
  const last = output.trim().split("\n").pop() ?? "";
  let score = null;
  try {
    score = JSON.parse(last);
  } catch {
    score = null;
  }
  if (code !== 0 || score?.bench !== "dmn-tck") {
    console.log(output.split("\n").slice(-30).join("\n"));
    return record("tck", { passed: 0, failed: 1, ms: Date.now() - t0, note: `npm run tck exited ${code} without a score` });
  }
  const floor = JSON.parse(readFileSync(path.join(root, "scripts", "tck", "floor.json"), "utf8"));
  const below = ["level2_passed", "level3_passed"].filter((k) => score[k] < floor[k]);
  for (const k of below) console.log(`[test] tck: ${k} is ${score[k]}, below the floor ${floor[k]}`);
  console.log(`[test] ${last}`);
  record("tck", {
    passed: 2 - below.length,
    failed: below.length,
    ms: Date.now() - t0,
    note: `level 2 ${score.level2_passed}/${score.level2_total}, level 3 ${score.level3_passed}/${score.level3_total}`,
  });
}

/**
 * `next build` for the e2e suite, started at once so that it runs alongside the migrations, the
 * seed, the unit tests and the TCK; its output goes to a file, printed if it fails.
 */
function startBuild() {
  if (["1", "true"].includes(process.env.BATON_TEST_SKIP_BUILD ?? "")) return null;
  log("next build (in the background; its log is printed if it fails)");
  const logFile = path.join(reportDir, "next-build.log");
  const t0 = Date.now();
  const skipTypecheck = wants("static") && !fileFilters.length ? { BATON_BUILD_SKIP_TYPECHECK: "1" } : {};
  return run(bin("next"), ["build"], { ...e2eEnv, ...skipTypecheck }, logFile).then((code) => ({ code, ms: Date.now() - t0, logFile }));
}

async function e2eSuite(build) {
  const envs = Array.from({ length: e2eShards }, (_, i) => e2eShardEnv(i + 1));
  for (const env of envs) {
    for (const port of [env.PORT, env.WORKER_HEALTH_PORT]) {
      if (await reachable("127.0.0.1", Number(port))) {
        const note = `port ${port} is already in use (another npm test, or a web server / worker left running?)`;
        console.error(`[test] ${note}`);
        return record("e2e", { passed: 0, failed: 1, ms: 0, note });
      }
    }
  }
  if (build) {
    const { code, ms, logFile } = await build;
    if (code !== 0) {
      console.log(readFileSync(logFile, "utf8").split("\n").slice(-60).join("\n"));
      record("build", { passed: 0, failed: 1, ms, note: `next build exited ${code}` });
      record("e2e", { passed: 0, failed: 1, ms: 0, note: "not run: the build failed" });
      return;
    }
    record("build", { passed: 0, failed: 0, ms, note: "next build ok" });
  }
  log(`e2e tests (playwright${e2eShards > 1 ? `, ${e2eShards} shards side by side; shard 1's output below, the others' logs printed if they fail` : ""})`);
  const t0 = Date.now();
  const files = playwrightFilters.length ? ["e2e/auth.setup.ts", ...playwrightFilters] : [];
  const codes = await Promise.all(
    envs.map((env, i) => {
      const shardArgs = e2eShards > 1 ? [`--shard=${i + 1}/${e2eShards}`] : [];
      const logFile = i === 0 ? undefined : path.join(reportDir, `e2e-${i + 1}.log`);
      return run(bin("playwright"), ["test", ...shardArgs, ...files], env, logFile);
    }),
  );
  const ms = Date.now() - t0;
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const notes = [];
  const times = [];
  envs.forEach((env, i) => {
    const shard = e2eShards > 1 ? `shard ${i + 1}: ` : "";
    const code = codes[i];
    const report = readJson(env.PLAYWRIGHT_JSON_OUTPUT_FILE);
    const logFile = i === 0 ? null : path.join(reportDir, `e2e-${i + 1}.log`);
    const { expected = 0, unexpected = 0, flaky = 0, skipped: skip = 0 } = report?.stats ?? {};
    times.push(...playwrightTimes(report, i + 1));
    let shardFailed = report?.stats ? unexpected : 1;
    if (!report?.stats) notes.push(`${shard}playwright exited ${code} without a report`);
    if (flaky) notes.push(`${shard}${flaky} flaky`);
    if (report?.errors?.length) notes.push(`${shard}${report.errors.length} global error(s): ${report.errors.map((e) => e.message?.split("\n")[0]).join("; ")}`);
    if (report?.stats && shardFailed === 0 && code !== 0) {
      shardFailed = 1;
      notes.push(`${shard}playwright exited ${code}`);
    }
    if (logFile && (shardFailed || flaky)) {
      console.log(`\n[test] ── e2e shard ${i + 1} (${logFile}) ──`);
      console.log(readFileSync(logFile, "utf8").split("\n").slice(-200).join("\n"));
    } else if (logFile) {
      // The every-page sweep's figures (loads, axe runs, seconds) from a shard whose log is not printed.
      const sweep = readFileSync(logFile, "utf8").split("\n").filter((l) => l.startsWith("[every-page]"));
      if (sweep.length) console.log(`\n[test] e2e shard ${i + 1}'s every-page lines:\n${sweep.join("\n")}`);
    }
    passed += expected + flaky;
    failed += shardFailed;
    skipped += skip;
  });
  // Where the e2e minutes go (CI has a 20-minute budget): per shard, then the slowest tests.
  const perShard = envs.map((_, i) => times.filter((t) => t.shard === i + 1).reduce((sum, t) => sum + t.ms, 0));
  console.log(`\n[test] e2e test time per shard: ${perShard.map((ms, i) => `${i + 1}: ${seconds(ms)}`).join(", ")}; slowest:`);
  for (const t of [...times].sort((a, b) => b.ms - a.ms).slice(0, 12)) console.log(`  ${seconds(t.ms).padStart(7)}  [${t.shard}] ${t.file} › ${t.title}`);
  record("e2e", { passed, failed, skipped, ms, note: notes.join("; ") || undefined });
}

// --- 4. the suites -----------------------------------------------------------------------------
let setupError = null;
/** The background `next build` (startBuild), started by prepare() once the client is generated. */
let build = null;
const setupStarted = Date.now();
try {
  setupError = await prepare();
} catch (e) {
  setupError = `setup failed: ${e.message}`;
}
log(`setup (install check, generate, migrate, seed) took ${seconds(Date.now() - setupStarted)} of the ${seconds(Date.now() - started)} so far`);
if (setupError) {
  console.error(`[test] ${setupError}`);
  record("setup", { passed: 0, failed: 1, ms: 0, note: setupError });
} else {
  // Where the minutes go (ADR 048, 055): the unit tests and the TCK run beside `next build`
  // (started in prepare()); the static checks, one core's work, run beside the integration tests,
  // which mostly wait on PostgreSQL and Redis; the e2e shards, which use both cores, run alone.
  const runStatic = wants("static") && !fileFilters.length;
  if (wants("unit") && !interrupted) await vitestSuite("unit", common);
  if (suites.includes("tck") && !fileFilters.length && !interrupted) await tckSuite();
  // The integration tests have timing in them (timers, leases, sweeps): they wait for the build.
  if (build && wants("integration")) await build;
  const integrating = wants("integration") && !interrupted;
  const staticRun = runStatic && !interrupted ? staticSuite({ besideOthers: integrating }) : null;
  if (integrating) await vitestSuite("integration", integrationEnv);
  await staticRun;
  for (const out of staticOutput) console.log(out);
  if (wants("e2e") && !interrupted) await e2eSuite(build);
}

// --- 5. clean up and report --------------------------------------------------------------------
const cleanupProblems = await cleanup();
let passed = 0;
let failed = 0;
console.log("\n[test] ──────────────── results ────────────────");
for (const r of results) {
  passed += r.passed ?? 0;
  failed += r.failed ?? 0;
  const counts = r.name === "build" && !r.failed ? "ok" : `${r.passed ?? 0} passed, ${r.failed ?? 0} failed, ${r.skipped ?? 0} skipped`;
  console.log(`  ${r.name.padEnd(12)} ${counts.padEnd(36)} ${seconds(r.ms).padStart(7)}${r.note && r.name !== "build" ? `  ${r.note}` : ""}`);
}
for (const p of cleanupProblems) console.log(`  cleanup: ${p}`);
console.log(`  total time ${seconds(Date.now() - started)}; databases and Redis keys of ${runId} ${process.env.BATON_TEST_KEEP ? "kept" : "removed"}`);
console.log(`Summary: ${passed} passed, ${failed} failed`);
process.exit(interrupted ? 130 : failed > 0 || cleanupProblems.length > 0 ? 1 : 0);
