// Quiet notifications (issue #22): arrivals for tasks that no longer wait on the person clear
// themselves when the bell is read; answers, mentions and decisions stay until read.
import { beforeAll, describe, expect, it } from "vitest";
import { claimTask, cancelTask } from "@/lib/tasks";
import { listNotifications } from "@/lib/notifications/service";
import { db, groupTask, makeTeam, uid, type Team } from "./helpers";

let team: Team;
beforeAll(async () => {
  team = await makeTeam();
});

async function notify(userId: string, taskId: string, kind: string) {
  await db().notification.create({ data: { userId, taskId, kind, title: `${kind} ${uid()}`, dedupeKey: `quiet:${uid()}` } });
}
const unreadFor = async (who: "alice" | "bob" | "carol", taskId: string) =>
  (await listNotifications(team.as[who])).data.filter((n) => n.taskId === taskId && !n.readAt).map((n) => n.kind);

describe("arrivals clear themselves", () => {
  it("a claimed task leaves the others' bells, a cancelled one everyone's; a mention stays", async () => {
    const task = await groupTask(team);
    await notify(team.users.alice.id, task.id, "task.queued");
    await notify(team.users.bob.id, task.id, "task.queued");
    await notify(team.users.carol.id, task.id, "task.mentioned");
    expect(await unreadFor("bob", task.id)).toEqual(["task.queued"]);

    await claimTask(team.as.alice, task.id);
    expect(await unreadFor("bob", task.id)).toEqual([]);
    expect(await unreadFor("alice", task.id)).toEqual(["task.queued"]);
    const bob = await listNotifications(team.as.bob);
    expect(bob.unread).toBe(bob.data.filter((n) => !n.readAt).length);

    await cancelTask(team.as.supervisor, task.id, { reason: "duplicate" });
    expect(await unreadFor("alice", task.id)).toEqual([]);
    expect(await unreadFor("carol", task.id)).toEqual(["task.mentioned"]);
  });
});
