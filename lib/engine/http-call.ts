import { evaluateValue, parseDurationMs, renderTemplate } from "../processes/expressions";
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

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const s = Number(header);
  if (Number.isFinite(s) && s >= 0) return s * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

async function readBody(res: Response): Promise<unknown> {
  const text = await res.text();
  const clipped = text.length > MAX_RESPONSE_BYTES ? text.slice(0, MAX_RESPONSE_BYTES) : text;
  if (/\bjson\b/i.test(res.headers.get("content-type") ?? "")) {
    try {
      return JSON.parse(clipped) as unknown;
    } catch {
      return clipped;
    }
  }
  return clipped;
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
    const res = await fetch(parsed, { method: step.method, headers, body, signal: AbortSignal.timeout(timeoutMs), redirect: "error" });
    const resBody = await readBody(res);
    const ms = Date.now() - started;
    if (res.ok) return { ok: true, status: res.status, body: resBody, ms };
    const detail = typeof resBody === "string" ? resBody.slice(0, 200) : JSON.stringify(resBody).slice(0, 200);
    return {
      ok: false,
      retryable: isRetryableStatus(res.status),
      status: res.status,
      error: `${step.method} ${parsed.origin}${parsed.pathname} answered ${res.status}${detail ? `: ${detail}` : ""}`,
      ms,
      retryAfterMs: retryAfterMs(res.headers.get("retry-after")),
    };
  } catch (e) {
    const ms = Date.now() - started;
    const name = e instanceof Error ? e.name : "";
    if (name === "TimeoutError" || name === "AbortError") {
      return { ok: false, retryable: true, status: null, error: `${step.method} ${parsed.origin}${parsed.pathname} timed out after ${timeoutMs} ms`, ms };
    }
    const cause = e instanceof Error && e.cause instanceof Error ? `: ${e.cause.message}` : "";
    return { ok: false, retryable: true, status: null, error: `${step.method} ${parsed.origin}${parsed.pathname} failed${cause || (e instanceof Error ? `: ${e.message}` : "")}`, ms };
  }
}
