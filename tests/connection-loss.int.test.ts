// Issue 19, point 3: PostgreSQL connections terminated mid-burst. Requests caught by it answer
// 503 with Retry-After (never 500); the pool destroys the broken connections at once, so the
// requests that follow all succeed.
import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { env } from "@/lib/env";
import { startApiServer, type ApiServer } from "./api-server";
import { makeTeam, tokenFor, type Team } from "./helpers";

let team: Team;
let token: string;
let server: ApiServer;
let killer: Client;
beforeAll(async () => {
  team = await makeTeam();
  token = (await tokenFor(team, "SUPERVISOR")).token;
  server = await startApiServer();
  killer = new Client({ connectionString: env().DATABASE_URL });
  await killer.connect();
});
afterAll(async () => {
  await killer.end();
  await server.close();
});

/** Half reads (the inbox), half writes in a transaction (a create). */
async function request(i: number): Promise<Response> {
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  return i % 2
    ? fetch(`${server.url}/api/v1/tasks?view=all&limit=5`, { headers })
    : fetch(`${server.url}/api/v1/tasks`, { method: "POST", headers, body: JSON.stringify({ title: `burst ${i}`, candidateGroup: team.group.key }) });
}

/** Terminates every session of the app's pool (application_name "baton") in this database. */
async function terminateAppConnections(): Promise<number> {
  const { rows } = await killer.query(
    `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'baton' AND pid <> pg_backend_pid()`,
  );
  return rows.length;
}

describe("PostgreSQL connections terminated mid-burst", () => {
  it("answers 503 with Retry-After while it happens, then recovers at once", async () => {
    const statuses: number[] = [];
    const retryAfter: (string | null)[] = [];
    let running = true;
    let n = 0;
    const loops = Array.from({ length: 12 }, async () => {
      while (running) {
        const res = await request(n++);
        statuses.push(res.status);
        if (res.status === 503) retryAfter.push(res.headers.get("retry-after"));
        await res.arrayBuffer();
      }
    });
    let killed = 0;
    for (let round = 0; round < 8; round++) {
      await new Promise((r) => setTimeout(r, 60));
      killed += await terminateAppConnections();
    }
    running = false;
    await Promise.all(loops);

    expect(killed).toBeGreaterThan(0);
    const unexpected = statuses.filter((s) => s !== 200 && s !== 201 && s !== 503);
    expect(unexpected, `statuses: ${JSON.stringify(count(statuses))}`).toEqual([]);
    expect(statuses.filter((s) => s === 503).length, `statuses: ${JSON.stringify(count(statuses))}`).toBeGreaterThan(0);
    expect(retryAfter.every((v) => v !== null && Number(v) > 0)).toBe(true);

    // The connections are gone; the next requests get fresh ones, none of them broken.
    const after: number[] = [];
    for (let i = 0; i < 30; i++) {
      const res = await request(i);
      after.push(res.status);
      await res.arrayBuffer();
    }
    expect(after.every((s) => s === 200 || s === 201), JSON.stringify(after)).toBe(true);
  });
});

function count(statuses: number[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const s of statuses) out[s] = (out[s] ?? 0) + 1;
  return out;
}
