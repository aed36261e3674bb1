#!/usr/bin/env node
// `npm run demo`: install, migrate, seed the demo organisation, build, then run the web app and
// the worker until Ctrl+C. Pass --no-build to reuse the last build.
import { spawn } from "node:child_process";
import path from "node:path";
import { checkServices, ensureDatabase, ensureDependencies, loadEnv, prisma, root, run } from "./lib/preflight.mjs";
import { grantAppRole, ownerUrlOf } from "./lib/db-roles.mjs";

ensureDependencies();
// What the shell said, before .env fills the gaps: `PORT=3999 npm run demo` moves the whole demo.
const shell = { PORT: process.env.PORT, AUTH_URL: process.env.AUTH_URL, WORKER_HEALTH_PORT: process.env.WORKER_HEALTH_PORT };
await loadEnv();
followPort(shell);
// The demo's ERP runs on this machine; the egress policy refuses loopback unless it is allowed
// (an older .env copied before OUTBOUND_ALLOW_HOSTS existed lacks the line).
process.env.OUTBOUND_ALLOW_HOSTS ??= "127.0.0.1,localhost";
// The demo's conveniences (demo logins on the sign-in page, the stand-in ERP, the example keys).
process.env.DEMO_MODE ??= "true";
await checkServices();
// The owner (DATABASE_OWNER_URL) creates and migrates the database; the app and the seed then
// connect as the application role of DATABASE_URL, which owns nothing (ADR 025).
await ensureDatabase(ownerUrlOf());
console.log("› Generating the Prisma client and applying migrations…");
prisma(["generate"]);
prisma(["migrate", "deploy"]);
const roles = await grantAppRole({ ownerUrl: ownerUrlOf(), appUrl: process.env.DATABASE_URL });
if (roles.skipped) console.log(`› Database roles: ${roles.skipped} (set DATABASE_OWNER_URL to separate them)`);
console.log("› Seeding the demo organisation…");
run(path.join(root, "node_modules", ".bin", "tsx"), ["prisma/seed.ts"]);
if (!process.argv.includes("--no-build")) {
  console.log("› Building the web app…");
  run(path.join(root, "node_modules", ".bin", "next"), ["build"], { env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
}

const port = process.env.PORT ?? "3000";
const url = process.env.AUTH_URL ?? `http://localhost:${port}`;

/**
 * A port given in the shell wins over .env's, and what depends on it follows unless the shell set
 * it too: the public URL (AUTH_URL, when .env's is a localhost one on another port; the demo ERP
 * defaults to it) and the worker's health port (PORT + 1, so two demos can run side by side).
 */
function followPort(given) {
  if (!given.PORT) return;
  const p = Number(given.PORT);
  if (!given.AUTH_URL) {
    const current = process.env.AUTH_URL ? new URL(process.env.AUTH_URL) : null;
    if (!current || (["localhost", "127.0.0.1"].includes(current.hostname) && current.port !== String(p))) process.env.AUTH_URL = `http://localhost:${p}`;
  }
  if (!given.WORKER_HEALTH_PORT && p !== 3000) process.env.WORKER_HEALTH_PORT = String(p + 1);
}
// The demo is a production build with .env.example's development audit signing key, which a real
// production deployment refuses (lib/env.ts): allow it here, and only here.
const demoEnv = { ...process.env, BATON_ALLOW_DEV_AUDIT_KEY: "1" };
const children = [
  spawn(path.join(root, "node_modules", ".bin", "tsx"), ["server.ts", "-p", port], { cwd: root, stdio: "inherit", env: { ...demoEnv, NEXT_TELEMETRY_DISABLED: "1" } }),
  spawn(path.join(root, "node_modules", ".bin", "tsx"), ["workers/index.ts"], { cwd: root, stdio: "inherit", env: { ...demoEnv, BATON_SERVICE: "worker" } }),
];

let stopping = false;
function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill("SIGTERM");
  setTimeout(() => process.exit(code), 5000).unref();
  Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.once("exit", r))))).then(() => process.exit(code));
}
for (const c of children) c.once("exit", (code) => !stopping && (console.error(`A Baton process exited (code ${code}); stopping.`), stop(code ?? 1)));
process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));

// Wait until the web app answers, then print how to get in.
for (let i = 0; i < 120 && !stopping; i++) {
  const ok = await fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.ok).catch(() => false);
  if (ok) break;
  await new Promise((r) => setTimeout(r, 500));
}
console.log(`
  Baton is running at ${url}

  Demo logins (password for all: baton-demo)
    maya@acme.test    Member      accounts-payable clerk with invoices to approve
    dana@acme.test    Member      accounts-payable clerk
    chen@acme.test    Member      credit analyst (skill: credit)
    rita@acme.test    Member      sales, requests refunds
    sam@acme.test     Supervisor  finance team lead
    omar@acme.test    Supervisor  onboarding team lead
    ana@acme.test     Auditor     internal audit, reads the audit log
    priya@acme.test   Admin       process owner, manages API tokens

  API token for scripts: npm run token -- --name my-script --role ADMIN --owner priya@acme.test
  Press Ctrl+C to stop.
`);
