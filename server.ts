// The web server (`npm start`, and `npm run dev` with --dev): a plain Node HTTP server in which
// the API router serves every /api/v1 request and Next.js everything else — pages, /api/auth and
// the few routes outside /api/v1 (ADR 013, ADR 018).
//
// A Next.js route handler costs a few milliseconds of CPU on this kind of machine before any of
// our code runs (routing, request/response adaptation, its internal tracing and caching layers).
// The router calls the very same exported handlers (defineRoute → withApi: auth, permissions,
// idempotency, problem+json errors) without that layer; its table is read from the route tree
// at boot, so no route can fall out of it.
import "./lib/boot/web-env";
import cluster from "node:cluster";
import { createServer, type ServerResponse } from "node:http";
import next from "next";
import nextConfig from "./next.config";
import { env, envOrExit } from "./lib/env";
import { logger } from "./lib/logger";
import { createApiRouter, isApiRequest } from "./lib/http/router";
import { securityHeaders } from "./lib/http/security-headers";
import { refuseUnboundedBody } from "./lib/http/body-limit";
import { CLIENT_IP_HEADER, clientAddress } from "./lib/http/request-meta";
import { addressList } from "./lib/outbound/policy";
import { loadRouteTree } from "./app/api/route-tree";
import { checkDependencies } from "./lib/health";

const dev = process.argv.includes("--dev");
// The global Date as Node.js made it: Next.js replaces it in prepare() (below).
const NativeDate = Date;
// `--api-only` (or API_ONLY=true): an API node for machine traffic behind a load balancer — the
// router serves /api/v1, anything else answers 404, and Next.js is not loaded (no build needed,
// a fraction of the memory). The scale-out test runs its web processes this way.
const apiOnly = process.argv.includes("--api-only");
const portArg = process.argv.indexOf("-p");
const hostArg = process.argv.indexOf("-H");
const hostname = hostArg > 0 ? process.argv[hostArg + 1]! : (process.env.HOSTNAME ?? "0.0.0.0");
// PORT (like every variable) is validated by the env schema; `-p` overrides it, checked the same way.
if (portArg > 0) process.env.PORT = process.argv[portArg + 1];
envOrExit();
const port = env().PORT;
const nextFree = apiOnly || env().API_ONLY;

const publicUrl = `http://${hostname === "0.0.0.0" ? "localhost" : hostname}:${port}`;

async function serveHere(): Promise<void> {
  const api = createApiRouter(await loadRouteTree());
  const https = env().AUTH_URL?.startsWith("https:") ?? false;
  const pageHeaders = Object.entries(securityHeaders({ https, page: true }));
  const otherHeaders = Object.entries(securityHeaders({ https, page: false }));
  const trustedProxies = addressList(env().TRUSTED_PROXIES);
  const server = createServer((req, res) => {
    // The one client address both paths read (X-Forwarded-For only through TRUSTED_PROXIES).
    const ip = clientAddress(req.socket.remoteAddress, req.headers["x-forwarded-for"], trustedProxies);
    if (ip) req.headers[CLIENT_IP_HEADER] = ip;
    else delete req.headers[CLIENT_IP_HEADER];
    // Both paths, before either runs (pages add their nonce CSP in proxy.ts).
    for (const [k, v] of (req.url ?? "/").startsWith("/api/") || (req.url ?? "/").startsWith("/_next/") ? otherHeaders : pageHeaders) res.setHeader(k, v);
    const failed = (what: string) => (e: unknown) => {
      logger.error({ err: e instanceof Error ? e.message : String(e) }, what);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    };
    if (isApiRequest(req.url ?? "/")) api(req, res).catch(failed("api request failed"));
    else if (!handle && (req.url ?? "/").split("?")[0] === "/api/health") answerHealth(res).catch(failed("health check failed"));
    else if (!handle) res.writeHead(404, { "content-type": "text/plain" }).end("Not found: this process serves /api/v1 only\n");
    else if (!refuseUnboundedBody(req, res)) handle(req, res).catch(failed("next request failed"));
  });
  let handle: ReturnType<ReturnType<typeof next>["getRequestHandler"]> | null = null;
  if (!nextFree) {
    // Next.js takes the server to answer its development WebSocket (HMR) upgrades on.
    const app = next({ dev, hostname, port, dir: process.cwd(), httpServer: server });
    handle = app.getRequestHandler();
    await app.prepare();
    // prepare() wraps the global Date so that a prerender with `cacheComponents` notices clock
    // reads. Without cacheComponents (Baton's configuration) the wrapper only costs:
    // every Date goes through Reflect.construct and two AsyncLocalStorage reads — 5 % of an inbox
    // list's CPU (each row's timestamps). Put Node's own back (ADR 057).
    if (!dev && !nextConfig.cacheComponents && globalThis.Date !== NativeDate) {
      globalThis.Date = NativeDate;
      Object.defineProperty(NativeDate.prototype, "constructor", { value: NativeDate, writable: true, configurable: true });
    }
  }
  // Longer than a load balancer's idle timeout, so it never reuses a socket we just closed.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.listen(port, hostname, () => {
    if (cluster.isPrimary) console.log(`▲ Baton web ready on ${publicUrl}${dev ? " (development)" : ""}${nextFree ? " (API only)" : ""}`);
  });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 5_000).unref();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

/**
 * GET /api/health on an API node, where Next.js (whose route answers it on a full node) is not
 * loaded: the same answer, so one container health check and one load-balancer probe fit both.
 */
async function answerHealth(res: ServerResponse): Promise<void> {
  const health = await checkDependencies();
  res.writeHead(health.ok ? 200 : 503, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  res.end(JSON.stringify({ status: health.ok ? "ok" : "degraded", ...health }));
}

/**
 * WEB_CONCURRENCY > 1: this process only supervises that many web processes sharing the port
 * (node:cluster hands each new connection to the next one). A process that dies is replaced.
 * Everything shared between them — sessions' live events, rate limits, the outbox — already
 * lives in PostgreSQL or Redis.
 */
function supervise(count: number): void {
  let listening = 0;
  let stopping = false;
  cluster.on("listening", () => {
    if (++listening === count) console.log(`▲ Baton web ready on ${publicUrl} (${count} processes)`);
  });
  cluster.on("exit", (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    logger.error({ pid: worker.process.pid, code, signal }, "a web process exited; starting another");
    cluster.fork();
  });
  const stop = () => {
    if (stopping) return;
    stopping = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill("SIGTERM");
    setTimeout(() => process.exit(0), 6_000).unref();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  for (let i = 0; i < count; i++) cluster.fork();
}

const processes = dev ? 1 : env().WEB_CONCURRENCY;
const start = processes > 1 && cluster.isPrimary ? Promise.resolve(supervise(processes)) : serveHere();
start.catch((e: unknown) => {
  console.error(`Baton web could not start: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
