// The egress policy (security review H3, M6): HTTP steps and webhooks may not reach loopback,
// private or metadata addresses — not directly, not through a DNS name that resolves to one, not
// through a redirect — unless the operator allows them.
import dns from "node:dns";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { OutboundRefused, outboundRequest, setOutboundPolicy } from "@/lib/outbound/client";
import { parseAllowList } from "@/lib/outbound/policy";
import { performHttpAttempt } from "@/lib/engine/http-call";
import { STEP_SCHEMAS } from "@/lib/processes/schemas";

let server: Server;
let port = 0;
const hits: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(req.url ?? "");
    if (req.url === "/hop") {
      res.writeHead(302, { location: `http://127.0.0.1:${port}/secret` });
      return res.end();
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ secret: "metadata" }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  setOutboundPolicy(null);
  await new Promise((r) => server.close(r));
});

afterEach(() => {
  vi.restoreAllMocks();
  hits.length = 0;
});

/** DNS answers: `name` resolves to 127.0.0.1 (as an attacker's rebinding name would). */
function resolveToLoopback(name: string) {
  const real = dns.lookup.bind(dns);
  vi.spyOn(dns, "lookup").mockImplementation(((host: string, options: unknown, cb: (...a: unknown[]) => void) => {
    if (host !== name) return (real as (...a: unknown[]) => void)(host, options, cb);
    const all = [{ address: "127.0.0.1", family: 4 }];
    if ((options as { all?: boolean }).all) cb(null, all);
    else cb(null, "127.0.0.1", 4);
  }) as never);
}

/** A one-step process's HTTP step, defaults filled in by the schema. */
function httpStepOf(step: { url: string; method: "GET" }) {
  return STEP_SCHEMAS.http.parse({ id: "call", kind: "http", ...step, next: "done" });
}

const call = (url: string, maxRedirects = 0) => outboundRequest(new URL(url), { method: "GET", headers: {}, timeoutMs: 2000, maxResponseBytes: 1024, maxRedirects });

describe("the default policy (nothing allowed)", () => {
  beforeAll(() => setOutboundPolicy(parseAllowList("")));

  it("refuses loopback, metadata, private, unique-local and mapped addresses before connecting", async () => {
    for (const url of [
      `http://127.0.0.1:${port}/`,
      `http://localhost:${port}/`,
      "http://169.254.169.254/latest/meta-data/",
      "http://10.0.0.1/",
      "http://192.168.1.1/",
      "http://[::1]/",
      "http://[fd00:ec2::254]/",
      "http://[::ffff:127.0.0.1]/",
      "http://0.0.0.0/",
      "http://metadata.google.internal/",
    ]) {
      await expect(call(url), url).rejects.toBeInstanceOf(OutboundRefused);
    }
    expect(hits).toEqual([]);
  });

  it("refuses a DNS name that resolves to loopback, checking the address it connects to", async () => {
    resolveToLoopback("rebind.example.test");
    await expect(call(`http://rebind.example.test:${port}/`)).rejects.toBeInstanceOf(OutboundRefused);
    expect(hits).toEqual([]);
  });

  it("an HTTP step to the metadata address fails without retries and reads nothing", async () => {
    const result = await performHttpAttempt(httpStepOf({ url: `http://127.0.0.1:${port}/latest/meta-data/`, method: "GET" }), {}, "k");
    expect(result).toMatchObject({ ok: false, retryable: false });
    expect(!result.ok && result.error).toMatch(/refused/);
    expect(hits).toEqual([]);
  });
});

describe("an operator allow-list", () => {
  it("lets an allowed host through but re-checks every redirect", async () => {
    setOutboundPolicy(parseAllowList("erp.example.test"));
    resolveToLoopback("erp.example.test");
    const ok = await call(`http://erp.example.test:${port}/ok`);
    expect(ok.status).toBe(200);
    await expect(call(`http://erp.example.test:${port}/hop`, 3)).rejects.toBeInstanceOf(OutboundRefused);
    expect(hits).toEqual(["/ok", "/hop"]);
  });

  it("allows an address range by CIDR (the demo and the tests allow loopback this way)", async () => {
    setOutboundPolicy(parseAllowList("127.0.0.0/8"));
    expect((await call(`http://127.0.0.1:${port}/hop`, 3)).status).toBe(200);
    expect(hits).toEqual(["/hop", "/secret"]);
  });
});
