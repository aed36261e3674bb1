// Presence: who else has a task open (Redis, heartbeats, stale after STALE_MS), visible only to
// people who may see the task, and a live event only when the set of viewers changes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { heartbeat, leave, viewersOf, viewersOfMany } from "@/lib/tasks";
import { STALE_MS } from "@/lib/live/presence-schemas";
import { createRedis, redis, redisKey, type RedisClient } from "@/lib/redis";
import { liveChannel } from "@/lib/live/publish";
import { appError, groupTask, makeTeam, waitFor, type Team } from "./helpers";

let team: Team;
let sub: RedisClient;
const events: { type: string; taskId: string | null }[] = [];
beforeAll(async () => {
  team = await makeTeam();
  sub = createRedis({ forWorker: true });
  sub.on("message", (_c: string, raw: string) => events.push((JSON.parse(raw) as { event: { type: string; taskId: string | null } }).event));
  await sub.subscribe(liveChannel());
});
afterAll(async () => {
  await sub.quit();
});

const presenceEvents = (taskId: string) => events.filter((e) => e.type === "task.presence" && e.taskId === taskId).length;

describe("presence", () => {
  it("shows who else is viewing, not yourself; leaving removes you at once", async () => {
    const task = await groupTask(team);
    expect(await heartbeat(team.as.alice, task.id)).toEqual([]);
    const seenByBob = await heartbeat(team.as.bob, task.id);
    expect(seenByBob.map((v) => v.name)).toEqual(["Alice"]);
    expect((await viewersOf(team.as.alice, task.id)).map((v) => v.name)).toEqual(["Bob"]);
    // The inbox rows: one call for many tasks.
    const other = await groupTask(team);
    expect(await viewersOfMany(team.as.carol, { taskIds: `${task.id},${other.id}` })).toEqual({
      [task.id]: [expect.objectContaining({ name: "Alice" }), expect.objectContaining({ name: "Bob" })],
    });
    await leave(team.as.bob, task.id);
    expect(await viewersOf(team.as.alice, task.id)).toEqual([]);
  });

  it("a viewer whose heartbeat is older than the stale limit is gone", async () => {
    const task = await groupTask(team);
    await heartbeat(team.as.alice, task.id);
    // Age Alice's last beat past the limit (as if her tab closed without saying goodbye).
    await redis().zadd(redisKey("presence", "task", task.id), String(Date.now() - STALE_MS - 1000), `${team.users.alice.id}|Alice`);
    expect(await viewersOf(team.as.bob, task.id)).toEqual([]);
    expect(await heartbeat(team.as.bob, task.id)).toEqual([]);
  });

  it("only people who may see the task see or add presence on it", async () => {
    const task = await groupTask(team);
    await heartbeat(team.as.alice, task.id);
    expect((await appError(heartbeat(team.as.outsider, task.id))).code).toBe("TASK_NOT_FOUND");
    expect((await appError(viewersOf(team.as.outsider, task.id))).code).toBe("TASK_NOT_FOUND");
    expect(await viewersOfMany(team.as.outsider, { taskIds: task.id })).toEqual({});
  });

  it("announces arrivals and departures on the live channel, not every heartbeat", async () => {
    const task = await groupTask(team);
    await heartbeat(team.as.alice, task.id);
    await waitFor("the arrival event", async () => presenceEvents(task.id) === 1);
    await heartbeat(team.as.alice, task.id);
    await heartbeat(team.as.alice, task.id);
    await heartbeat(team.as.bob, task.id);
    await waitFor("Bob's arrival", async () => presenceEvents(task.id) === 2);
    await leave(team.as.alice, task.id);
    await waitFor("Alice's departure", async () => presenceEvents(task.id) === 3);
    await new Promise((r) => setTimeout(r, 200));
    expect(presenceEvents(task.id)).toBe(3);
  });
});
