import http from "node:http";
import https from "node:https";
import { evaluateValue, renderTemplate } from "../processes/expressions";
import { parseDurationMs } from "../duration";
import type { HttpStep } from "../processes/schemas";
import { renderHeaderTemplate } from "../secrets/references";

// One attempt of an HTTP step. Runs only in the worker. Every call carries the step's
// idempotency key, so a retried or repeated call is safe for a receiver that honours it.

export type HttpAttemptResult =
  | { ok: true; status: number; body: unknown; ms: number }
  | { ok: false; retryable: boolean; status: number | null; error: string; ms: number; retryAfterMs?: number };

const MAX_RESPONSE_BYTES = 1024 * 1024;

export function idempotencyKeyFor(instanceId: string, stepId: string): string {
  return `${instanceId}.${stepId}`;
}

/** 408, 425, 429 and 5xx are worth retrying; other 4xx will fail the same way again. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

/**
 * Exponential backoff with "equal jitter": the n-th retry waits between half and all of
 * min(maxBackoff, backoff · 2^(n-1)), so retries of many instances do not arrive together.
 */
export function backoffDelayMs(step: Pick<HttpStep, "retries">, retryNumber: number, random: () => number = Math.random): number {
  const base = parseDurationMs(step.retries.backoff) ?? 1000;
  const cap = parseDurationMs(step.retries.maxBackoff) ?? 300_000;
  const exp = Math.min(cap, base * 2 ** Math.max(0, retryNumber - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}

const headerValue = (v: string | string[] | undefined): string | null => (Array.isArray(v) ? (v[0] ?? null) : (v ?? null));

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const s = Number(header);
  if (Number.isFinite(s) && s >= 0) return s * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function parseBody(text: string, contentType: string | undefined): unknown {
  if (/\bjson\b/i.test(contentType ?? "")) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

// One keep-alive pool per protocol for every step's calls: a worker calling the same ERP host
// thousands of times reuses its connections (ADR 016; node:http costs a quarter of fetch's CPU).
const agents = {
  "http:": new http.Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 16 }),
  "https:": new https.Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 16 }),
};

class CallTimeout extends Error {
  constructor() {
    super("timed out");
    this.name = "TimeoutError";
  }
}

/**
 * One request with a deadline for the whole exchange (connect, send, answer, body); redirects are
 * not followed (a 3xx is the answer). The body is read up to MAX_RESPONSE_BYTES, the rest dropped.
 */
function send(url: URL, method: string, headers: Record<string, string>, body: string | undefined, timeoutMs: number): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const lib = url.protocol === "https:" ? https : http;
    const req = lib.request(url, { method, headers: body === undefined ? headers : { ...headers, "content-length": String(Buffer.byteLength(body)) }, agent: agents[url.protocol as "http:" | "https:"] });
    const timer = setTimeout(() => req.destroy(new CallTimeout()), timeoutMs);
    const fail = (e: Error) => {
      clearTimeout(timer);
      reject(e);
    };
    req.on("error", fail);
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        if (size >= MAX_RESPONSE_BYTES) return;
        chunks.push(chunk);
        size += chunk.length;
      });
      res.on("error", fail);
      res.on("end", () => {
        clearTimeout(timer);
        const text = Buffer.concat(chunks).toString("utf8");
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: text.length > MAX_RESPONSE_BYTES ? text.slice(0, MAX_RESPONSE_BYTES) : text });
      });
    });
    req.end(body);
  });
}

/** `secrets`: the values of the named secrets the step's headers refer to (resolved by the caller, in the worker). */
export async function performHttpAttempt(step: HttpStep, scope: unknown, idempotencyKey: string, secrets: Record<string, string> = {}): Promise<HttpAttemptResult> {
  const started = Date.now();
  const timeoutMs = parseDurationMs(step.timeout) ?? 10_000;
  const url = renderTemplate(step.url, scope);
  let parsed: URL;
  try {
    parsed = new URL(url);
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new Error("not http(s)");
  } catch {
    return { ok: false, retryable: false, status: null, error: `url "${url}" is not an http(s) URL`, ms: 0 };
  }
  const headers: Record<string, string> = { "user-agent": "Baton-Engine/1" };
  for (const [k, v] of Object.entries(step.headers)) headers[k.toLowerCase()] = renderHeaderTemplate(v, scope, secrets);
  headers["idempotency-key"] = idempotencyKey;
  let body: string | undefined;
  if (step.body !== undefined && step.method !== "GET") {
    body = JSON.stringify(evaluateValue(step.body, scope));
    headers["content-type"] ??= "application/json";
  }
  try {
    const res = await send(parsed, step.method, headers, body, timeoutMs);
    const resBody = parseBody(res.text, res.headers["content-type"]);
    const ms = Date.now() - started;
    if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status, body: resBody, ms };
    const detail = typeof resBody === "string" ? resBody.slice(0, 200) : JSON.stringify(resBody).slice(0, 200);
    return {
      ok: false,
      retryable: isRetryableStatus(res.status),
      status: res.status,
      error: `${step.method} ${parsed.origin}${parsed.pathname} answered ${res.status}${detail ? `: ${detail}` : ""}`,
      ms,
      retryAfterMs: retryAfterMs(headerValue(res.headers["retry-after"])),
    };
  } catch (e) {
    const ms = Date.now() - started;
    if (e instanceof CallTimeout) {
      return { ok: false, retryable: true, status: null, error: `${step.method} ${parsed.origin}${parsed.pathname} timed out after ${timeoutMs} ms`, ms };
    }
    return { ok: false, retryable: true, status: null, error: `${step.method} ${parsed.origin}${parsed.pathname} failed: ${e instanceof Error ? e.message : String(e)}`, ms };
  }
}
