import { evaluateValue, renderTemplate } from "../processes/expressions";
import { parseDurationMs } from "../duration";
import type { HttpStep } from "../processes/schemas";
import { renderHeaderTemplate, secretMayGoTo } from "../secrets/references";
import { OutboundRefused, OutboundTimeout, outboundRequest, urlRefusal } from "../outbound/client";

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

/**
 * `secrets`: the values of the named secrets the step's headers refer to, `secretHosts` the hosts
 * each may be sent to (both resolved by the caller, in the worker).
 */
export async function performHttpAttempt(
  step: HttpStep,
  scope: unknown,
  idempotencyKey: string,
  secrets: Record<string, string> = {},
  secretHosts: Record<string, readonly string[]> = {},
): Promise<HttpAttemptResult> {
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
  // Refused before a secret or a variable is put into a header for it.
  const refused = urlRefusal(parsed);
  if (refused) return { ok: false, retryable: false, status: null, error: `${step.method} ${parsed.origin}${parsed.pathname} refused: ${refused}`, ms: 0 };
  // Checked at publish time too; again here, against the URL as rendered (security review M6).
  for (const name of Object.keys(secrets)) {
    if (!secretMayGoTo(secretHosts[name] ?? [], parsed.hostname)) {
      return { ok: false, retryable: false, status: null, error: `${step.method} ${parsed.origin}${parsed.pathname} refused: the secret "${name}" may not be sent to ${parsed.hostname}`, ms: 0 };
    }
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
    const res = await outboundRequest(parsed, { method: step.method, headers, body, timeoutMs, maxResponseBytes: MAX_RESPONSE_BYTES });
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
    if (e instanceof OutboundRefused) {
      return { ok: false, retryable: false, status: null, error: `${step.method} ${parsed.origin}${parsed.pathname} refused: ${e.message}`, ms };
    }
    if (e instanceof OutboundTimeout) {
      return { ok: false, retryable: true, status: null, error: `${step.method} ${parsed.origin}${parsed.pathname} timed out after ${timeoutMs} ms`, ms };
    }
    return { ok: false, retryable: true, status: null, error: `${step.method} ${parsed.origin}${parsed.pathname} failed: ${e instanceof Error ? e.message : String(e)}`, ms };
  }
}
