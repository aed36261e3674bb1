#!/usr/bin/env node
// The container health check (Dockerfile HEALTHCHECK, deploy/compose.production.yml):
//   node scripts/release/healthcheck.mjs web     GET http://127.0.0.1:$PORT/api/health
//   node scripts/release/healthcheck.mjs worker  GET http://127.0.0.1:$WORKER_HEALTH_PORT/health
// Exit 0 when the answer is 200 (PostgreSQL and Redis reachable; for a worker also every loop on
// time), 1 otherwise, with the reason on stderr (`docker inspect` shows it).
const which = process.argv[2] ?? "web";
if (which !== "web" && which !== "worker") {
  console.error(`usage: healthcheck.mjs web|worker (not "${which}")`);
  process.exit(2);
}
const port = which === "web" ? (process.env.PORT ?? "3000") : (process.env.WORKER_HEALTH_PORT ?? "3001");
const url = `http://127.0.0.1:${port}${which === "web" ? "/api/health" : "/health"}`;
try {
  const res = await fetch(url, { signal: AbortSignal.timeout(4000) });
  const body = await res.text();
  if (res.status !== 200) {
    console.error(`${url} answered ${res.status}: ${body.slice(0, 300)}`);
    process.exit(1);
  }
} catch (e) {
  console.error(`${url}: ${e instanceof Error ? (e.cause?.message ?? e.message) : String(e)}`);
  process.exit(1);
}
