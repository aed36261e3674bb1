// The production web server (`npm start`): Next.js behind a plain Node HTTP server, with the
// hottest API routes dispatched straight to their route handlers (ADR 013).
//
// A Next.js route handler costs a few milliseconds of CPU on this kind of machine before any of
// our code runs (routing, request/response adaptation, its internal tracing and caching layers).
// The event intake, the inbox list and the decision calls are made hundreds of times a second, so
// for those the server calls the very same exported handler (withApi: auth, permissions,
// idempotency, problem+json errors) itself. Everything else — pages, auth, every other route —
// goes to Next.js unchanged.
import "./lib/boot/web-env";
import cluster from "node:cluster";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import next from "next";
import { env, envOrExit } from "./lib/env";
import { logger } from "./lib/logger";
import { loadFastRoutes, matchFastRoute, type FastHandler } from "./app/api/_lib/fast-routes";
import { AppError } from "./lib/errors";
import { errorResponse } from "./lib/http/responses";

const dev = process.argv.includes("--dev");
const portArg = process.argv.indexOf("-p");
const hostArg = process.argv.indexOf("-H");
const hostname = hostArg > 0 ? process.argv[hostArg + 1]! : (process.env.HOSTNAME ?? "0.0.0.0");
// PORT (like every variable) is validated by the env schema; `-p` overrides it, checked the same way.
if (portArg > 0) process.env.PORT = process.argv[portArg + 1];
envOrExit();
const port = env().PORT;

/** Bodies of fast routes are read into memory up to this size; larger requests are refused. */
const MAX_BODY_BYTES = 1024 * 1024 + 1;

async function readBody(req: IncomingMessage): Promise<Buffer | "too_large"> {
  const declared = Number(req.headers["content-length"] ?? "0");
  if (declared > MAX_BODY_BYTES) return "too_large";
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return "too_large";
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

function toHeaders(req: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
  return headers;
}

async function send(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, key) => {
    if (key !== "set-cookie") headers[key] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length) headers["set-cookie"] = cookies;
  const body = response.body ? Buffer.from(await response.arrayBuffer()) : null;
  if (body) headers["content-length"] = String(body.length);
  res.writeHead(response.status, headers);
  res.end(body);
}

async function serveFast(handler: FastHandler, params: Record<string, string>, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = `http://${req.headers.host ?? "localhost"}${req.url}`;
  const method = req.method ?? "GET";
  let response: Response;
  try {
    const body = method === "GET" || method === "HEAD" ? null : await readBody(req);
    if (body === "too_large") {
      response = errorResponse(new AppError("PAYLOAD_TOO_LARGE", "The body must be at most 1024 KB."), undefined, new URL(url).pathname);
      res.setHeader("connection", "close");
    } else {
      const request = new Request(url, { method, headers: toHeaders(req), body: body && body.length > 0 ? new Uint8Array(body) : null });
      response = await handler(request, { params: Promise.resolve(params) });
    }
  } catch (e) {
    response = errorResponse(e);
  }
  await send(res, response);
}

const publicUrl = `http://${hostname === "0.0.0.0" ? "localhost" : hostname}:${port}`;

async function serveHere(): Promise<void> {
  const app = next({ dev, hostname, port, dir: process.cwd() });
  const handle = app.getRequestHandler();
  await app.prepare();
  const routes = await loadFastRoutes();
  const server = createServer((req, res) => {
    const hit = matchFastRoute(routes, req.method ?? "GET", req.url ?? "/");
    const failed = (what: string) => (e: unknown) => {
      logger.error({ err: e instanceof Error ? e.message : String(e) }, what);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    };
    if (hit) serveFast(hit.handler, hit.params, req, res).catch(failed("fast route failed"));
    else handle(req, res).catch(failed("next request failed"));
  });
  // Longer than a load balancer's idle timeout, so it never reuses a socket we just closed.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.listen(port, hostname, () => {
    if (cluster.isPrimary) console.log(`▲ Baton web ready on ${publicUrl}${dev ? " (development)" : ""}`);
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
