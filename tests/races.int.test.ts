import { beforeAll, describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { claimTask, decideTask } from "@/lib/tasks";
import { auditFor, db, groupTask, makeTeam, type Team } from "./helpers";

// Concurrent requests on one task: the guarded UPDATE (status + version in the WHERE clause)
// lets exactly one win; the others get a domain code a client or a retried job can act on.
let team: Team;
beforeAll(async () => {
  team = await makeTeam();
});

function codes(results: PromiseSettledResult<unknown>[]) {
  return results.filter((r) => r.status === "rejected").map((r) => ((r as PromiseRejectedResult).reason as AppError).code);
}

describe("races", () => {
  it("two concurrent decisions: exactly one succeeds, one audit entry", async () => {
    for (let round = 0; round < 5; round++) {
      const task = await groupTask(team);
      const results = await Promise.allSettled([
        decideTask(team.as.alice, task.id, { outcome: "approve" }),
        decideTask(team.as.bob, task.id, { outcome: "reject", reason: "Wrong amount" }),
      ]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      for (const r of results) if (r.status === "rejected") expect(r.reason).toBeInstanceOf(AppError);
      expect(["TASK_ALREADY_DECIDED", "TASK_CLAIMED_BY_OTHER"]).toEqual(expect.arrayContaining(codes(results)));

      const row = await db().task.findUniqueOrThrow({ where: { id: task.id } });
      expect(row.status).toBe("DECIDED");
      expect(row.version).toBe(2);
      const decisions = (await auditFor(task.id)).filter((a) => a.action === "task.approved" || a.action === "task.rejected");
      expect(decisions).toHaveLength(1);
      expect(decisions[0]?.actorId).toBe(row.decidedById);
      expect(await db().outboxMessage.count({ where: { jobId: `task-decided.${task.id}` } })).toBe(1);
    }
  });

  it("the same person deciding twice at once (double click) decides once", async () => {
    const task = await groupTask(team);
    const results = await Promise.allSettled([
      decideTask(team.as.carol, task.id, { outcome: "approve" }),
      decideTask(team.as.carol, task.id, { outcome: "approve" }),
      decideTask(team.as.carol, task.id, { outcome: "approve" }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(codes(results).every((c) => c === "TASK_ALREADY_DECIDED" || c === "TASK_CLAIMED_BY_OTHER")).toBe(true);
    expect((await auditFor(task.id)).filter((a) => a.action === "task.approved")).toHaveLength(1);
  });

  it("three concurrent claims: one owner, the others TASK_CLAIMED_BY_OTHER", async () => {
    for (let round = 0; round < 5; round++) {
      const task = await groupTask(team);
      const results = await Promise.allSettled([claimTask(team.as.alice, task.id), claimTask(team.as.bob, task.id), claimTask(team.as.carol, task.id)]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      expect(codes(results)).toEqual(["TASK_CLAIMED_BY_OTHER", "TASK_CLAIMED_BY_OTHER"]);

      const row = await db().task.findUniqueOrThrow({ where: { id: task.id } });
      expect(row.version).toBe(2);
      const claims = (await auditFor(task.id)).filter((a) => a.action === "task.claimed");
      expect(claims).toHaveLength(1);
      expect(claims[0]?.actorId).toBe(row.assigneeId);
    }
  });

  it("claim racing a decision: never both", async () => {
    const task = await groupTask(team);
    const results = await Promise.allSettled([claimTask(team.as.alice, task.id), decideTask(team.as.bob, task.id, { outcome: "approve" })]);
    const row = await db().task.findUniqueOrThrow({ where: { id: task.id } });
    const actions = (await auditFor(task.id)).map((a) => a.action).filter((a) => a !== "task.created" && a !== "task.routed");
    expect(actions).toHaveLength(1);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(row.version).toBe(2);
    if (actions[0] === "task.claimed") expect(row).toMatchObject({ status: "OPEN", assigneeId: team.users.alice.id });
    else expect(row).toMatchObject({ status: "DECIDED", assigneeId: team.users.bob.id });
  });
});
