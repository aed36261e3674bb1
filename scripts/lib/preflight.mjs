// Shared by `npm run demo` and `npm test`: install what is missing, load .env, and check that
// PostgreSQL and Redis answer — each failure is one line that says how to fix it.
import { spawnSync } from "node:child_process";
import { existsSync, lstatSync, statSync, copyFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: "inherit", cwd: root, ...opts });
  if (r.status !== 0) {
    console.error(`\n✖ ${[cmd, ...args].join(" ")} failed (exit ${r.status ?? r.signal}).`);
    process.exit(r.status ?? 1);
  }
}

/** npm ci/install when node_modules is missing or older than the lock file. */
export function ensureDependencies() {
  const marker = path.join(root, "node_modules", ".package-lock.json");
  const lock = path.join(root, "package-lock.json");
  const stale = !existsSync(marker) || (existsSync(lock) && statSync(lock).mtimeMs > statSync(marker).mtimeMs);
  if (!stale) return;
  const modules = path.join(root, "node_modules");
  // Never `npm ci` through a linked node_modules: it would empty the checkout it belongs to.
  if (existsSync(marker) && lstatSync(modules).isSymbolicLink()) return;
  console.log("› Installing dependencies…");
  run("npm", [existsSync(lock) ? "ci" : "install", "--no-audit", "--no-fund"]);
}

/** Copies .env.example to .env on first run, then loads .env the way Next.js does. */
export async function loadEnv() {
  const envFile = path.join(root, ".env");
  if (!existsSync(envFile)) {
    copyFileSync(path.join(root, ".env.example"), envFile);
    console.log("› Created .env from .env.example");
  }
  // @next/env is CommonJS: its named export arrives on `default` under ESM import.
  const mod = await import("@next/env");
  const loadEnvConfig = mod.loadEnvConfig ?? mod.default.loadEnvConfig;
  loadEnvConfig(root, false, { info: () => {}, error: console.error });
}

function reachable(host, port, timeoutMs = 2000) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port: Number(port) });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/** Exits with one line per missing service. */
export async function checkServices() {
  const pgUrl = new URL(process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/baton_dev");
  const redisUrl = new URL(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
  const pgHost = pgUrl.hostname || "127.0.0.1";
  const pgPort = pgUrl.port || "5432";
  const rHost = redisUrl.hostname || "127.0.0.1";
  const rPort = redisUrl.port || "6379";
  const problems = [];
  if (!(await reachable(pgHost, pgPort))) {
    problems.push(
      `PostgreSQL is not reachable at ${pgHost}:${pgPort} — start it: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start (or: docker compose up -d postgres)`,
    );
  }
  if (!(await reachable(rHost, rPort))) {
    problems.push(`Redis is not reachable at ${rHost}:${rPort} — start it: redis-server --daemonize yes --port ${rPort} (or: docker compose up -d redis)`);
  }
  if (problems.length) {
    for (const p of problems) console.error(`✖ ${p}`);
    process.exit(1);
  }
}

/** Creates the database named in DATABASE_URL if it does not exist yet. */
export async function ensureDatabase(url = process.env.DATABASE_URL) {
  const { default: pg } = await import("pg");
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`Database name "${name}" must be letters, digits and _`);
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE "${name}"`);
      console.log(`› Created database ${name}`);
    }
  } finally {
    await client.end();
  }
}

export function prisma(args, env = process.env) {
  run(process.execPath, [path.join(root, "scripts", "prisma.mjs"), ...args], { env });
}
