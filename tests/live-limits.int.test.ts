// Live streams (security review M15): a cap per person, and a deactivated person's stream ends
// at its next heartbeat instead of flowing on.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openLiveStream } from "@/lib/live/stream";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { db, makeTeam, type Team } from "./helpers";

let team: Team;
const aborts: AbortController[] = [];

beforeAll(async () => {
  team = await makeTeam();
});

afterAll(() => {
  for (const a of aborts) a.abort();
});

async function open(actor: Team["as"]["alice"], heartbeatMs = 20_000) {
  const abort = new AbortController();
  aborts.push(abort);
  const res = await openLiveStream(actor, abort.signal, { heartbeatMs });
  const reader = res.body!.getReader();
  await reader.read(); // "ready": the stream holds its place
  return { abort, reader };
}

describe("live streams", () => {
  it("one person may hold LIVE_STREAMS_PER_PERSON streams; the next is refused with 429 until one closes", async () => {
    const cap = env().LIVE_STREAMS_PER_PERSON;
    const streams = [];
    for (let i = 0; i < cap; i++) streams.push(await open(team.as.bob));
    const refused = await openLiveStream(team.as.bob, new AbortController().signal).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe("RATE_LIMITED");
    // Someone else is not affected.
    await open(team.as.alice);
    streams[0]!.abort.abort();
    await new Promise((r) => setTimeout(r, 100));
    await open(team.as.bob);
  });

  it("a deactivated person's stream ends at the next heartbeat", async () => {
    const { reader } = await open(team.as.carol, 200);
    await db().user.update({ where: { id: team.users.carol.id }, data: { active: false } });
    const until = Date.now() + 5000;
    let done = false;
    while (!done && Date.now() < until) done = (await reader.read()).done;
    expect(done).toBe(true);
  });
});
