import { randomUUID } from "node:crypto";

/** Client IP and user agent for audit entries (first X-Forwarded-For hop when behind a proxy). */
export function clientMeta(headers: Headers): { ip?: string; userAgent?: string } {
  const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  const ip = forwarded || headers.get("x-real-ip") || undefined;
  const userAgent = headers.get("user-agent")?.slice(0, 300) || undefined;
  return { ip, userAgent };
}

/** Reuses a well-formed incoming X-Request-Id so a trace spans systems; otherwise a new one. */
export function requestIdFrom(headers: Headers): string {
  const incoming = headers.get("x-request-id");
  return incoming && /^[A-Za-z0-9._:-]{8,128}$/.test(incoming) ? incoming : randomUUID();
}
