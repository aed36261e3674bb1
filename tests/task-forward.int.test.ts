// Forwarding one task (issue #20): only its assignee forwards it, only to a colleague who may take
// it (sees it, may decide, has its skills, not barred by separation of duties), with a reason;
// audited, notified through the outbox, and shown in the task's history.
import { beforeAll, describe, expect, it } from "vitest";
import { claimTask, forwardTask, getTaskHistory } from "@/lib/tasks";
import { createUser, userActor } from "@/prisma/factories";
import { db, groupTask, makeTeam, type Team } from "./helpers";

let team: Team;
beforeAll(async () => {
  team = await makeTeam();
});

const mine = async (input: Parameters<typeof groupTask>[1] = {}) => {
  const t = await groupTask(team, input);
  await claimTask(team.as.alice, t.id);
  return t;
};
const refusal = (p: Promise<unknown>) => p.then(() => "forwarded", (e: { code: string }) => e.code);

describe("forwarding a task", () => {
  it("goes to a colleague in the task's group, with the reason, audited, notified and in the history", async () => {
    const t = await mine();
    const dto = await forwardTask(team.as.alice, t.id, { to: team.users.bob.email, reason: "Bob knows this vendor" });
    expect(dto.assignee?.id).toBe(team.users.bob.id);
    const entry = await db().auditEntry.findFirstOrThrow({ where: { taskId: t.id, action: "task.forwarded" } });
    expect(entry).toMatchObject({ actorId: team.users.alice.id, reason: "Bob knows this vendor" });
    expect(entry.after).toMatchObject({ assigneeId: team.users.bob.id, assigneeName: team.users.bob.name });
    expect(await db().outboxMessage.count({ where: { jobId: `task-forwarded.${t.id}.${dto.version}` } })).toBe(1);
    expect((await getTaskHistory(team.as.bob, t.id)).data.map((e) => e.action)).toContain("task.forwarded");
    // It is Bob's now: Alice cannot forward it again.
    expect(await refusal(forwardTask(team.as.alice, t.id, { to: team.users.carol.id, reason: "x" }))).toBe("FORBIDDEN");
  });

  it("refuses colleagues who may not receive it, and a missing reason", async () => {
    // Assigned to Alice directly (claiming it would need the skill).
    const t = await groupTask(team, { requestedBy: team.users.carol.id, requiredSkills: ["german"], assignee: team.users.alice.id });
    const skilled = await createUser(db(), { skills: ["german"] });
    await db().groupMembership.create({ data: { userId: skilled.id, groupId: team.group.id } });
    const cases = {
      outsider: await refusal(forwardTask(team.as.alice, t.id, { to: team.users.outsider.id, reason: "x" })),
      auditor: await refusal(forwardTask(team.as.alice, t.id, { to: team.users.auditor.id, reason: "x" })),
      requester: await refusal(forwardTask(team.as.alice, t.id, { to: team.users.carol.id, reason: "x" })),
      unknown: await refusal(forwardTask(team.as.alice, t.id, { to: "nobody@test.local", reason: "x" })),
      noReason: await refusal(forwardTask(team.as.alice, t.id, { to: skilled.id, reason: " " })),
      notMine: await refusal(forwardTask(userActor(skilled), t.id, { to: team.users.bob.id, reason: "x" })),
    };
    expect(cases).toEqual({ outsider: "VALIDATION_FAILED", auditor: "VALIDATION_FAILED", requester: "SOD_VIOLATION", unknown: "VALIDATION_FAILED", noReason: "VALIDATION_FAILED", notMine: "FORBIDDEN" });
    // A colleague in the group without the skill: refused; with it: forwarded.
    const unskilled = await createUser(db());
    await db().groupMembership.create({ data: { userId: unskilled.id, groupId: team.group.id } });
    expect(await refusal(forwardTask(team.as.alice, t.id, { to: unskilled.id, reason: "x" }))).toBe("VALIDATION_FAILED");
    expect(await refusal(forwardTask(team.as.alice, t.id, { to: skilled.id, reason: "Speaks German" }))).toBe("forwarded");
    expect(await db().auditEntry.count({ where: { taskId: t.id, action: "task.forwarded" } })).toBe(1);
  });
});
