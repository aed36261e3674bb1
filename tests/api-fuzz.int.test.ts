// Issue 19, point 6: a property-based fuzz of every operation the route tree declares, against
// the real router over a socket. For each operation fast-check generates valid-ish and invalid
// inputs from its own declaration — path ids (real ones, junk, NUL), query and JSON body from its
// zod schemas (as JSON Schema), malformed JSON, wrong media types, If-Match and Idempotency-Key
// headers — and every answer must be: not 5xx, a status the OpenAPI document lists for the
// operation, and, when JSON, a body matching the schema documented for that status.
//
// Fixed seed and runs per operation keep it within about a minute in CI; for a longer local run:
// BATON_FUZZ_RUNS=200 BATON_FUZZ_SEED=7 node scripts/test.mjs tests/api-fuzz.int.test.ts
import fc from "fast-check";
import { z } from "zod";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadRouteTree } from "@/app/api/route-tree";
import { isJsonBody, statusesOf, type ApiEndpoint } from "@/lib/http/api-route";
import { problemSchema } from "@/lib/openapi/components";
import { startApiServer, type ApiServer } from "./api-server";
import { groupTask, makeTeam, tokenFor, type Team } from "./helpers";

const RUNS = Number(process.env.BATON_FUZZ_RUNS ?? 12);
const SEED = Number(process.env.BATON_FUZZ_SEED ?? 19);

let team: Team;
let admin: string;
let server: ApiServer;
let endpoints: ApiEndpoint[];
let realIds: string[];
beforeAll(async () => {
  team = await makeTeam();
  admin = (await tokenFor(team, "ADMIN")).token;
  endpoints = await loadRouteTree();
  server = await startApiServer();
  const task = await groupTask(team);
  realIds = [task.id, team.group.key, team.users.alice.id];
});
afterAll(() => server.close());

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonSchema = Record<string, unknown>;

/** Values a JSON Schema (as zod renders one) describes, mostly; `depth` bounds nesting. */
function fromSchema(schema: JsonSchema | undefined, depth = 0): fc.Arbitrary<Json> {
  if (!schema || depth > 4) return junk;
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as Json[]));
  if ("const" in schema) return fc.constant(schema.const as Json);
  const options = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (options?.length) return fc.oneof(...options.map((o) => fromSchema(o, depth + 1)));
  if (Array.isArray(schema.allOf) && schema.allOf.length) return fromSchema(schema.allOf[0] as JsonSchema, depth + 1);
  const type = Array.isArray(schema.type) ? (schema.type as string[])[0] : (schema.type as string | undefined);
  switch (type) {
    case "string": {
      if (schema.format === "date-time") return fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), edgeDates);
      if (schema.format === "date") return fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)), edgeDates);
      const max = typeof schema.maxLength === "number" ? Math.min(schema.maxLength, 60) : 40;
      return fc.oneof(fc.string({ minLength: Math.min(Number(schema.minLength ?? 0), max), maxLength: max }), fc.constantFrom(...realIds), edgeStrings);
    }
    case "integer":
      return fc.oneof(
        fc.integer({ min: Number(schema.minimum ?? -1000), max: Math.min(Number(schema.maximum ?? 1000), Number(schema.minimum ?? 0) + 1000) }),
        edgeNumbers,
      );
    case "number":
      return fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), edgeNumbers);
    case "boolean":
      return fc.boolean();
    case "array":
      return fc.array(fromSchema(schema.items as JsonSchema, depth + 1), { maxLength: 3 });
    case "object": {
      const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
      const required = new Set((schema.required ?? []) as string[]);
      const keys = Object.keys(props);
      if (keys.length === 0) return fc.dictionary(fc.string({ maxLength: 8 }), junk, { maxKeys: 3 });
      return fc.record(Object.fromEntries(keys.map((k) => [k, fromSchema(props[k], depth + 1)])), {
        requiredKeys: keys.filter((k) => required.has(k)),
      }) as fc.Arbitrary<Json>;
    }
    default:
      return junk;
  }
}

const edgeStrings = fc.constantFrom("", " ", "a\u0000b", "\u0000", "x".repeat(300), "💥", "'; DROP TABLE x; --", "%00", "../..", "2026-13-45");
const edgeDates = fc.constantFrom("2026-13-45", "0000-02-29", "2026-02-30", "9999-12-31", "2026-12-07T25:00:00Z", "0000-01-01T00:00:00Z");
const edgeNumbers = fc.constantFrom(0, -1, 2147483647, 2147483648, -2147483649, 1e15, 9007199254740993, 1.5, -0);
const junk: fc.Arbitrary<Json> = fc.oneof(fc.constant(null), fc.boolean(), edgeNumbers, edgeStrings, fc.constant([] as Json[]), fc.constant({} as Json));

/** A path segment: a real id, junk or NUL — never "." or "..", which the URL itself would resolve away. */
const pathValue = fc.oneof(fc.constantFrom(...["x1", "a\u0000b", "9".repeat(40), "💥", "%"]), fc.string({ minLength: 1, maxLength: 20 })).filter((s) => s !== "." && s !== "..");

interface Case {
  params: Record<string, string>;
  query: Record<string, Json>;
  body: { kind: "json"; value: Json } | { kind: "malformed" } | { kind: "wrong-type" } | { kind: "none" };
  ifMatch?: string;
  idempotencyKey?: string;
}

function caseFor(e: ApiEndpoint): fc.Arbitrary<Case> {
  const names = [...e.pattern.matchAll(/:(\w+)/g)].map((m) => m[1]!);
  const params = fc.record(Object.fromEntries(names.map((n) => [n, fc.oneof(fc.constantFrom(...realIds), pathValue)])));
  const queryShape = e.route.query ? (z.toJSONSchema(e.route.query, { io: "input", unrepresentable: "any" }) as JsonSchema) : undefined;
  const query = queryShape ? (fromSchema(queryShape) as fc.Arbitrary<Record<string, Json>>).filter((q) => q !== null && typeof q === "object" && !Array.isArray(q)) : fc.constant({});
  const bodyShape = isJsonBody(e.route.body) ? (z.toJSONSchema(e.route.body.schema, { io: "input", unrepresentable: "any" }) as JsonSchema) : undefined;
  const body: fc.Arbitrary<Case["body"]> = !e.route.body
    ? fc.constant({ kind: "none" as const })
    : fc.oneof(
        { weight: 6, arbitrary: fromSchema(bodyShape).map((value) => ({ kind: "json" as const, value })) },
        { weight: 1, arbitrary: junk.map((value) => ({ kind: "json" as const, value })) },
        { weight: 1, arbitrary: fc.constant({ kind: "malformed" as const }) },
        { weight: 1, arbitrary: fc.constant({ kind: "wrong-type" as const }) },
      );
  return fc.record(
    {
      params,
      query,
      body,
      ifMatch: fc.constantFrom('"1"', 'W/"2"', "*", "nonsense", '"99999999999"', '"2147483648"'),
      idempotencyKey: fc.oneof(fc.uuid(), fc.constantFrom("bad key", "", "x".repeat(300))),
    },
    { requiredKeys: ["params", "query", "body"] },
  );
}

function requestOf(e: ApiEndpoint, c: Case): { url: string; init: RequestInit } {
  const path = e.pattern.replace(/:(\w+)/g, (_, n: string) => encodeURIComponent(c.params[n] ?? "x1"));
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(c.query)) if (v !== undefined) search.set(k, typeof v === "string" ? v : JSON.stringify(v));
  const headers: Record<string, string> = { authorization: `Bearer ${admin}` };
  if (c.ifMatch !== undefined && e.route.ifMatch) headers["if-match"] = c.ifMatch;
  if (c.idempotencyKey !== undefined && e.method === "POST" && c.idempotencyKey.length > 0) headers["idempotency-key"] = c.idempotencyKey;
  let body: string | undefined;
  if (c.body.kind === "json") {
    headers["content-type"] = "application/json";
    body = JSON.stringify(c.body.value);
  } else if (c.body.kind === "malformed") {
    headers["content-type"] = "application/json";
    body = '{"truncated": ';
  } else if (c.body.kind === "wrong-type") {
    headers["content-type"] = "text/plain";
    body = "not json";
  }
  // A raw-body route (YAML, XML, CloudEvents) gets the text under its own first media type.
  if (e.route.body && !isJsonBody(e.route.body) && body !== undefined && c.body.kind !== "wrong-type") {
    headers["content-type"] = Object.keys(e.route.body.content)[0]!;
  }
  return { url: `${server.url}${path}${search.size ? `?${search}` : ""}`, init: { method: e.method, headers, body, signal: AbortSignal.timeout(15_000) } };
}

/** The schema documented for a JSON answer with this status, if any. */
function documentedSchema(e: ApiEndpoint, status: number): z.ZodType | undefined {
  const success = e.route.responses[status];
  if (success) return success.schema ?? success.content?.["application/json"];
  return problemSchema;
}

describe("fuzz of every operation", () => {
  it("answers no 5xx, only documented statuses, and JSON that matches its schema", async () => {
    const seen = new Map<number, number>();
    const failures: string[] = [];
    let requests = 0;
    // The live stream never ends; it is covered by its own tests.
    const operations = endpoints.filter((e) => !e.route.responses[200]?.content?.["text/event-stream"]);
    for (const e of operations) {
      const documented = new Set([...Object.keys(e.route.responses).map(Number), ...statusesOf(e.route, e.method)]);
      await fc.assert(
        fc.asyncProperty(caseFor(e), async (c) => {
          const { url, init } = requestOf(e, c);
          const res = await fetch(url, init);
          requests++;
          seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
          const text = await res.text();
          const where = `${e.method} ${e.pattern} → ${res.status} (${init.method} ${url.slice(server.url.length)} body ${String(init.body).slice(0, 200)})`;
          if (res.status >= 500) return void failures.push(`${where}: ${text.slice(0, 300)}`);
          if (!documented.has(res.status)) return void failures.push(`${where}: status not documented`);
          const type = res.headers.get("content-type") ?? "";
          if (!/json/.test(type) || /ndjson/.test(type) || !text) return;
          const schema = documentedSchema(e, res.status);
          if (!schema) return;
          const parsed = schema.safeParse(JSON.parse(text));
          if (!parsed.success) failures.push(`${where}: body does not match its schema: ${parsed.error.issues[0]?.path.join(".")} ${parsed.error.issues[0]?.message}`);
        }),
        { seed: SEED, numRuns: RUNS, endOnFailure: true },
      );
    }
    const statuses = [...seen.entries()].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(" ");
    console.log(`api fuzz: ${operations.length} operations, ${requests} requests, seed ${SEED}, statuses ${statuses}, ${failures.length} failures`);
    expect(failures.slice(0, 40)).toEqual([]);
  }, 600_000);
});
