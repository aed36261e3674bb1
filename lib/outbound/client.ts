import dns, { type LookupAddress, type LookupOptions } from "node:dns";
import http from "node:http";
import https from "node:https";
import { env } from "../env";
import { addressRefusal, hostAllowed, hostRefusal, parseAllowList, type OutboundPolicy } from "./policy";

// The one HTTP client for calls Baton makes to addresses someone configured: HTTP steps, webhooks,
// anything that follows a URL a person typed. It refuses non-public addresses (policy.ts) unless
// OUTBOUND_ALLOW_HOSTS allows them, and it checks the address it actually connects to: the
// agents resolve names through `guardedLookup`, so the socket goes to an address that passed the
// check and a DNS answer that changes between a check and the connect (rebinding) changes
// nothing. Literal IP hosts never reach a lookup and are checked before the request. Redirects
// are not followed unless asked, and each hop is checked again.

/** The call was refused by the egress policy (not retryable: the same call is refused again). */
export class OutboundRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OutboundRefused";
  }
}

export class OutboundTimeout extends Error {
  constructor() {
    super("timed out");
    this.name = "TimeoutError";
  }
}

let policy: OutboundPolicy | null = null;

export function outboundPolicy(): OutboundPolicy {
  policy ??= parseAllowList(env().OUTBOUND_ALLOW_HOSTS);
  return policy;
}

/** Replaces the policy read from OUTBOUND_ALLOW_HOSTS (tests); `null` reads the setting again. */
export function setOutboundPolicy(next: OutboundPolicy | null): void {
  policy = next;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** dns.lookup that answers only with addresses the policy allows (used by the agents below). */
export function guardedLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  const current = outboundPolicy();
  const byName = hostAllowed(current, hostname);
  dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    if (!byName) {
      for (const a of addresses) {
        const why = addressRefusal(current, a.address);
        if (why) return callback(new OutboundRefused(`${hostname} resolves to ${why}; allow it with OUTBOUND_ALLOW_HOSTS`), []);
      }
    }
    if (options.all) return callback(null, addresses);
    const first = addresses[0];
    if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: "ENOTFOUND" }), []);
    callback(null, first.address, first.family);
  });
}

// One keep-alive pool per protocol for every call: a worker calling the same ERP host thousands
// of times reuses its connections (ADR 016; node:http costs a quarter of fetch's CPU).
const agents = {
  "http:": new http.Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 16, lookup: guardedLookup as never }),
  "https:": new https.Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 16, lookup: guardedLookup as never }),
};

/** Why a URL may not be called (scheme or host), judged before any connection; null when it may be tried. */
export function urlRefusal(url: URL, current: OutboundPolicy = outboundPolicy()): string | null {
  if (url.protocol !== "http:" && url.protocol !== "https:") return `${url.protocol} is not http(s)`;
  if (url.username || url.password) return "a URL may not carry credentials";
  const why = hostRefusal(current, url.hostname);
  return why ? `${why}; allow it with OUTBOUND_ALLOW_HOSTS` : null;
}

export interface OutboundRequest {
  method: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** The body is read up to this many bytes, the rest dropped. */
  maxResponseBytes: number;
  /** Redirects to follow (each target checked again); 0: a 3xx is the answer. */
  maxRedirects?: number;
}

export interface OutboundResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** The URL that answered (differs from the one asked after redirects). */
  url: URL;
}

/** One call under the egress policy, with a deadline for the whole exchange (connect, send, answer, body). */
export async function outboundRequest(url: URL, req: OutboundRequest): Promise<OutboundResponse> {
  const deadline = Date.now() + req.timeoutMs;
  let current = url;
  let method = req.method;
  let body = req.body;
  for (let hop = 0; ; hop++) {
    const why = urlRefusal(current);
    if (why) throw new OutboundRefused(why);
    const res = await sendOnce(current, method, req.headers, body, Math.max(1, deadline - Date.now()), req.maxResponseBytes);
    const location = res.headers.location;
    if (res.status < 300 || res.status >= 400 || !location || hop >= (req.maxRedirects ?? 0)) return res;
    current = new URL(location, current);
    if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === "POST")) {
      method = "GET";
      body = undefined;
    }
  }
}

function sendOnce(url: URL, method: string, headers: Record<string, string>, body: string | undefined, timeoutMs: number, maxBytes: number): Promise<OutboundResponse> {
  return new Promise((resolve, reject) => {
    const lib = url.protocol === "https:" ? https : http;
    const sent = body === undefined ? headers : { ...headers, "content-length": String(Buffer.byteLength(body)) };
    const request = lib.request(url, { method, headers: sent, agent: agents[url.protocol as "http:" | "https:"] });
    const timer = setTimeout(() => request.destroy(new OutboundTimeout()), timeoutMs);
    const fail = (e: Error) => {
      clearTimeout(timer);
      reject(e);
    };
    request.on("error", fail);
    request.on("response", (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        if (size >= maxBytes) return;
        chunks.push(chunk);
        size += chunk.length;
      });
      res.on("error", fail);
      res.on("end", () => {
        clearTimeout(timer);
        const text = Buffer.concat(chunks).toString("utf8");
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: text.length > maxBytes ? text.slice(0, maxBytes) : text, url });
      });
    });
    request.end(body);
  });
}
