import { randomUUID } from "node:crypto";
import { isIP, type BlockList } from "node:net";

/**
 * The header server.ts writes on every request with the client address it worked out (any
 * incoming copy is replaced first), so handlers on both paths read one trustworthy value.
 */
export const CLIENT_IP_HEADER = "x-baton-client-ip";

/**
 * The client's address (security review L2): the connection's peer, unless that peer is a trusted
 * proxy (TRUSTED_PROXIES); then X-Forwarded-For is read from the right, skipping trusted proxies,
 * and the first address that is not one is the client. Hops left of it were written by the client
 * and are never believed.
 */
export function clientAddress(peer: string | undefined, forwardedFor: string | string[] | undefined, trusted: BlockList): string | undefined {
  const strip = (a: string) => a.trim().replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, "$1");
  const isTrusted = (a: string) => isIP(a) !== 0 && trusted.check(a, isIP(a) === 6 ? "ipv6" : "ipv4");
  let client = peer ? strip(peer) : undefined;
  if (!client || !isTrusted(client)) return client;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(",") : (forwardedFor ?? "")).split(",").map(strip).filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    if (isIP(hop) === 0) return client;
    client = hop;
    if (!isTrusted(hop)) return hop;
  }
  return client;
}

/** Client IP (as server.ts worked it out) and user agent, for audit entries and sign-in throttling. */
export function clientMeta(headers: Headers): { ip?: string; userAgent?: string } {
  const ip = headers.get(CLIENT_IP_HEADER) || undefined;
  const userAgent = headers.get("user-agent")?.slice(0, 300) || undefined;
  return { ip, userAgent };
}

/** Reuses a well-formed incoming X-Request-Id so a trace spans systems; otherwise a new one. */
export function requestIdFrom(headers: Headers): string {
  const incoming = headers.get("x-request-id");
  return incoming && /^[A-Za-z0-9._:-]{8,128}$/.test(incoming) ? incoming : randomUUID();
}
