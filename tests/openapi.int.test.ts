// The OpenAPI document is assembled from the route declarations (ADR 018): one operation for
// every entry of the route table and no other, each listing every status it can answer — those
// the wrapper and the router answer for what it declares, and its service's own, which the probes
// below provoke through the router.
import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadRouteTree } from "@/app/api/route-tree";
import { statusesOf, type ApiEndpoint } from "@/lib/http/api-route";
import { openApiDocument } from "@/lib/openapi/document";
import { startApiServer, type ApiServer } from "./api-server";
import { makeTeam, tokenFor, type Team } from "./helpers";

type Operation = { operationId: string; responses: Record<string, unknown> };
type Doc = { paths: Record<string, Record<string, Operation>> };

let endpoints: ApiEndpoint[];
let doc: Doc;
let team: Team;
let server: ApiServer;
const as: Record<"admin" | "member" | "person", Record<string, string>> = { admin: {}, member: {}, person: {} };
beforeAll(async () => {
  endpoints = await loadRouteTree();
  doc = openApiDocument(endpoints) as unknown as Doc;
  team = await makeTeam();
  as.admin = { authorization: `Bearer ${(await tokenFor(team, "ADMIN")).token}` };
  as.member = { authorization: `Bearer ${(await tokenFor(team, "MEMBER")).token}` };
  const cookie = "authjs.session-token";
  const uid = team.users.alice.id;
  as.person = { cookie: `${cookie}=${await encode({ token: { uid, sub: uid }, secret: process.env.AUTH_SECRET!, salt: cookie, maxAge: 600 })}` };
  server = await startApiServer();
});
afterAll(() => server.close());

const pathOf = (e: ApiEndpoint) => e.pattern.replace(/:(\w+)/g, "{$1}");
const operationOf = (e: ApiEndpoint) => doc.paths[pathOf(e)]?.[e.method.toLowerCase()];

describe("the OpenAPI document", () => {
  it("has one operation for every entry of the route table and no other, with unique operation ids", () => {
    const documented = Object.entries(doc.paths).flatMap(([p, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${p}`));
    expect(documented.sort()).toEqual(endpoints.map((e) => `${e.method} ${pathOf(e)}`).sort());
    const ids = endpoints.map((e) => operationOf(e)!.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("lists on every operation the statuses the wrapper and the router answer for what it declares", () => {
    for (const e of endpoints) {
      const statuses = Object.keys(operationOf(e)!.responses);
      expect(statuses, `${e.method} ${e.pattern}`).toEqual(expect.arrayContaining(statusesOf(e.route, e.method).map(String)));
    }
    const decide = Object.keys(doc.paths["/api/v1/tasks/{id}/decision"]!.post!.responses);
    expect(decide).toEqual(["200", "400", "401", "403", "404", "409", "412", "413", "415", "422", "429", "500", "503"]);
    const document = Object.keys(doc.paths["/api/v1/openapi.json"]!.get!.responses);
    expect(document).toEqual(["200", "500"]);
  });

  it("documents every status the operations answer to probes: without credentials, with too few rights, with bad input", async () => {
    const undocumented: string[] = [];
    const failed: string[] = [];
    const probe = async (e: ApiEndpoint) => {
      const documented = new Set(Object.keys(operationOf(e)!.responses));
      const url = `${server.url}${e.pattern.replace(":queue", "engine").replace(/:\w+/g, "x1")}`;
      const takesBody = e.method !== "GET" && e.method !== "HEAD";
      const json = { "content-type": "application/json" };
      const probes: [string, RequestInit & { query?: string }][] = [
        ["anonymous", {}],
        ["member token", { headers: as.member }],
        ["person", { headers: as.person, ...(takesBody ? { body: "{}" } : {}) }],
        ["admin", { headers: { ...as.admin, ...json }, ...(takesBody ? { body: "{}" } : {}) }],
      ];
      if (takesBody) {
        probes.push(["malformed JSON", { headers: { ...as.admin, ...json }, body: "{" }]);
        probes.push(["text/plain body", { headers: { ...as.admin, "content-type": "text/plain" }, body: "x" }]);
      }
      if (e.route.query) probes.push(["bad query", { headers: as.admin, query: "?limit=-1&cursor=zz&from=yesterday&days=0&format=pdf&taskIds=" }]);
      if (e.route.ifMatch) probes.push(["bad If-Match", { headers: { ...as.admin, ...json, "if-match": "yesterday" }, body: "{}" }]);
      if (e.method === "POST") probes.push(["bad Idempotency-Key", { headers: { ...as.admin, ...json, "idempotency-key": "not a key!" }, body: "{}" }]);

      for (const [what, { query = "", ...init }] of probes) {
        const abort = new AbortController();
        const res = await fetch(url + query, { ...init, method: e.method, signal: abort.signal });
        abort.abort(); // a stream answers with its headers and goes on
        const line = `${e.method} ${e.pattern} (${what}): ${res.status}`;
        if (res.status >= 500) failed.push(line);
        else if (!documented.has(String(res.status))) undocumented.push(line);
      }
    };
    // A few operations at a time, each one's probes in turn.
    const queue = [...endpoints];
    await Promise.all(Array.from({ length: 4 }, async () => {
      for (let e = queue.shift(); e; e = queue.shift()) await probe(e);
    }));
    expect(failed.sort(), "probes the API failed on").toEqual([]);
    expect(undocumented.sort(), "statuses answered but not documented").toEqual([]);
  }, 120_000);
});
