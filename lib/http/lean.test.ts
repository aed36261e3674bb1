import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JsonResponse, NodeRequest, requestHasBody } from "./lean";

// The lean request and response must answer as the standard classes do for everything code reads.
let server: Server;
let url: string;
let seen: (req: IncomingMessage, body: Buffer | null) => Promise<unknown>;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const out = await seen(req, chunks.length ? Buffer.concat(chunks) : null);
      res.end(JSON.stringify(out));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

async function through(init: RequestInit, look: (req: Request) => Promise<unknown>): Promise<unknown> {
  seen = (msg, body) => look(new NodeRequest(msg, `${url}${msg.url}`, body) as unknown as Request);
  return (await fetch(`${url}/x?q=1`, init)).json();
}

describe("NodeRequest", () => {
  it("reads method, url, headers and the buffered body any number of times", async () => {
    const out = await through({ method: "POST", headers: { "content-type": "application/json", "X-Thing": "a" }, body: '{"a":1}' }, async (req) => ({
      instance: req instanceof Request,
      method: req.method,
      url: new URL(req.url).search,
      type: req.headers.get("Content-Type"),
      has: req.headers.has("x-thing"),
      missing: req.headers.get("x-none"),
      body: requestHasBody(req),
      text: await req.text(),
      again: await req.clone().text(),
      json: await req.json(),
      bytes: (await req.arrayBuffer()).byteLength,
      entries: [...req.headers].some(([k, v]) => k === "x-thing" && v === "a"),
    }));
    expect(out).toEqual({ instance: true, method: "POST", url: "?q=1", type: "application/json", has: true, missing: null, body: true, text: '{"a":1}', again: '{"a":1}', json: { a: 1 }, bytes: 7, entries: true });
  });

  it("serves any other Request member from a real Request built on demand", async () => {
    const out = await through({ method: "POST", headers: { "content-type": "text/plain" }, body: "hello" }, async (req) => ({
      cache: req.cache,
      stream: req.body !== null,
      blob: await (await req.blob()).text(),
    }));
    expect(out).toEqual({ cache: "default", stream: true, blob: "hello" });
  });

  it("has no body on a GET and refuses header changes", async () => {
    const out = await through({}, async (req) => {
      let refused = false;
      try {
        req.headers.set("x", "y");
      } catch {
        refused = true;
      }
      return { body: requestHasBody(req), text: await req.text(), refused };
    });
    expect(out).toEqual({ body: false, text: "", refused: true });
  });
});

describe("JsonResponse", () => {
  it("answers as a Response: status, headers, json, text, clone and the body stream", async () => {
    const res = new JsonResponse('{"ok":true}', 201, { "Content-Type": "application/json" }) as unknown as Response;
    res.headers.set("x-request-id", "r1");
    res.headers.append("set-cookie", "a=1");
    res.headers.append("set-cookie", "b=2");
    expect(res instanceof Response).toBe(true);
    expect([res.status, res.ok, res.headers.get("content-type"), res.headers.get("X-Request-Id")]).toEqual([201, true, "application/json", "r1"]);
    expect(res.headers.getSetCookie()).toEqual(["a=1", "b=2"]);
    expect(await res.clone().text()).toBe('{"ok":true}');
    expect(await res.json()).toEqual({ ok: true });
    expect(await new Response(res.body).text()).toBe('{"ok":true}');
    expect((res as unknown as JsonResponse).nodeHeaders()).toEqual({ "content-type": "application/json", "x-request-id": "r1", "set-cookie": ["a=1", "b=2"] });
  });
});
