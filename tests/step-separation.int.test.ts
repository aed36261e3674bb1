// "Nobody approves two steps of the same case" (issue #21): a human step that declares
// excludeEarlierDeciders keeps whoever decided an earlier step of the instance out of it — routing
// skips them, and claiming or deciding it directly is refused with SOD_EARLIER_STEP — against real
// PostgreSQL and a real engine worker. The flag is checked when the definition is published.
import type { Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGroup } from "@/prisma/factories";
import { publishDefinition } from "@/lib/processes/service";
import { claimTask, decideTask, getTask } from "@/lib/tasks";
import { submitRequest } from "@/lib/requests/service";
import { appError, auditFor, db, makeTeam, startEngineWorker, uid, waitFor, type Team } from "./helpers";

let team: Team;
let worker: Worker;
let pair: { key: string };
beforeAll(async () => {
  team = await makeTeam();
  // Alice and Bob only (made before anyone's group scope is read and cached).
  pair = await createGroup(db(), { memberIds: [team.users.alice.id, team.users.bob.id] });
  worker = await startEngineWorker();
});
afterAll(async () => {
  await worker?.close();
});

/** The open task of a step of the instance, once the engine made it. */
const openTaskOf = (instanceId: string, title: string) =>
  waitFor(`the "${title}" task`, () => db().task.findFirst({ where: { instanceId, title, status: "OPEN" } }));

describe("nobody approves two steps of the same case", () => {
  it("is refused at publish on a step that no human step leads to", async () => {
    const e = await appError(
      publishDefinition(team.as.admin, {
        key: `sep-bad-${uid()}`,
        name: "Bad",
        steps: [
          { id: "check", kind: "human", title: "Check", candidateGroup: team.group.key, excludeEarlierDeciders: true, next: { approve: "done", reject: "done" } },
          { id: "done", kind: "end" },
        ],
      }),
    );
    expect(e.status).toBe(422);
    expect(e.fieldErrors).toContainEqual({ path: "steps.0.excludeEarlierDeciders", message: 'Step "check": excludeEarlierDeciders needs an earlier human step, and none leads here' });
  });

  it("the first step's decider cannot claim or decide the second; routing skips them; someone else decides", async () => {
    const key = `sep-${uid()}`;
    await publishDefinition(team.as.admin, {
      key,
      name: "Two approvals",
      requesters: ["*"],
      startForm: [{ id: "item", label: "Item", type: "text", required: true }],
      steps: [
        { id: "first", kind: "human", title: "First {{item}}", candidateGroup: team.group.key, next: { approve: "second", reject: "done" } },
        { id: "second", kind: "human", title: "Second {{item}}", candidateGroup: team.group.key, excludeEarlierDeciders: true, next: { approve: "third", reject: "done" } },
        { id: "third", kind: "human", title: "Third {{item}}", routing: { strategy: "round_robin", group: pair.key }, excludeEarlierDeciders: true, next: { approve: "done", reject: "done" } },
        { id: "done", kind: "end" },
      ],
    });
    const item = uid();
    const filed = await submitRequest(team.as.outsider, { process: key, answers: { item } });

    const first = await openTaskOf(filed.id, `First ${item}`);
    expect(first.excludedDeciderIds).toEqual([]);
    await decideTask(team.as.alice, first.id, { outcome: "approve" });

    const second = await openTaskOf(filed.id, `Second ${item}`);
    expect(second.excludedDeciderIds).toEqual([team.users.alice.id]);
    // The inbox says why, and every direct attempt is refused with the same code.
    expect((await getTask(team.as.alice, second.id)).can).toMatchObject({ claim: false, decide: false, readOnlyReason: "You decided an earlier step of this case, so someone else must decide this one." });
    const claim = await appError(claimTask(team.as.alice, second.id));
    expect([claim.code, claim.status]).toEqual(["SOD_EARLIER_STEP", 403]);
    const decide = await appError(decideTask(team.as.alice, second.id, { outcome: "approve" }));
    expect([decide.code, decide.status]).toEqual(["SOD_EARLIER_STEP", 403]);
    expect((await getTask(team.as.bob, second.id)).can.decide).toBe(true);
    await decideTask(team.as.bob, second.id, { outcome: "approve" });

    // Both earlier deciders are kept out of the third step: round robin over Alice and Bob finds nobody.
    const third = await openTaskOf(filed.id, `Third ${item}`);
    expect(third.excludedDeciderIds.sort()).toEqual([team.users.alice.id, team.users.bob.id].sort());
    expect(third.assigneeId).toBeNull();
    const routed = (await auditFor(third.id)).find((e) => e.action === "task.routed")!;
    expect((routed.after as { skipped: { id: string; why: string }[] }).skipped.map((s) => [s.id, s.why]).sort()).toEqual(
      [
        [team.users.alice.id, "earlier_step"],
        [team.users.bob.id, "earlier_step"],
      ].sort(),
    );
    expect((await appError(decideTask(team.as.bob, third.id, { outcome: "approve" }))).code).toBe("SOD_EARLIER_STEP");
  });

  it("round robin skips the earlier decider and gives the step to the other member", async () => {
    const key = `sep-rr-${uid()}`;
    await publishDefinition(team.as.admin, {
      key,
      name: "Two steps, round robin",
      requesters: ["*"],
      steps: [
        { id: "first", kind: "human", title: "First", candidateGroup: pair.key, next: { approve: "second", reject: "done" } },
        { id: "second", kind: "human", title: "Second", routing: { strategy: "round_robin", group: pair.key }, excludeEarlierDeciders: true, next: { approve: "done", reject: "done" } },
        { id: "done", kind: "end" },
      ],
    });
    for (const decider of ["alice", "bob"] as const) {
      const filed = await submitRequest(team.as.outsider, { process: key, answers: {} });
      const first = await openTaskOf(filed.id, "First");
      await decideTask(team.as[decider], first.id, { outcome: "approve" });
      const second = await openTaskOf(filed.id, "Second");
      expect(second.assigneeId).toBe(decider === "alice" ? team.users.bob.id : team.users.alice.id);
    }
  });
});
