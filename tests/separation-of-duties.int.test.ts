// The separation-of-duties report (issue #22, ADR 045): who approved their own request, or decided
// two tasks of one case, in a period — and what was scanned, so an empty report proves something.
// The decision paths refuse both, so the breaches here are written as stored decisions (as an
// import, a bug or a database edit would leave them); the clean decisions go through decideTask.
// Each scenario sits on a day of its own in the past, so the counts are exact. A task created
// without a named requester is requested by its creator (the team's supervisor here).
import { beforeAll, describe, expect, it } from "vitest";
import { separationOfDutiesReport } from "@/lib/audit/separation-of-duties";
import { decideTask } from "@/lib/tasks";
import { appError, db, groupTask, makeTeam, uid, type Team } from "./helpers";

let team: Team;
beforeAll(async () => {
  team = await makeTeam();
});

/** A day of its own, far in the past (2001–2009), as an ISO instant at `hour` UTC. */
function dayOfOwn(): (hour: number) => Date {
  const n = Math.floor(Math.random() * 3000);
  const start = Date.UTC(2001, 0, 1) + n * 86_400_000;
  return (hour) => new Date(start + hour * 3_600_000);
}

/** Moves a task's stored decisions (votes and decision time) to `at`. */
async function backdate(taskId: string, at: Date) {
  await db().taskApproval.updateMany({ where: { taskId }, data: { createdAt: at } });
  await db().task.update({ where: { id: taskId }, data: { decidedAt: at } });
}

/** A stored decision the service would have refused. */
async function storedDecision(taskId: string, who: { id: string; name: string }, outcome: string, at: Date) {
  await db().taskApproval.create({ data: { taskId, approverId: who.id, approverName: who.name, outcome, createdAt: at } });
  await db().task.update({ where: { id: taskId }, data: { status: "DECIDED", outcome, decidedById: who.id, decidedAt: at } });
}

async function newCase(startedById: string | null) {
  const def = await db().processDefinition.create({ data: { key: `sod-${uid()}`, version: 1, name: "Vendor payment", document: {} } });
  return db().processInstance.create({ data: { definitionId: def.id, startedById, businessKey: `PAY-${uid()}` } });
}

describe("the separation-of-duties report", () => {
  it("finds self-approvals and repeat deciders of a case, and says what it scanned", async () => {
    const at = dayOfOwn();
    const { alice, bob, carol } = team.users;

    // Alice approves a task she requested; Bob approves a task of a request he started.
    const own = await groupTask(team, { requestedBy: alice.email });
    await storedDecision(own.id, alice, "approve", at(9));
    const started = await newCase(bob.id);
    const ofBobsCase = await groupTask(team);
    await db().task.update({ where: { id: ofBobsCase.id }, data: { instanceId: started.id } });
    await storedDecision(ofBobsCase.id, bob, "approve", at(10));
    // Carol rejects her own request: not an approval, not a finding.
    const rejected = await groupTask(team, { requestedBy: carol.email });
    await storedDecision(rejected.id, carol, "reject", at(11));

    // Alice decides both steps of one case (each step alone is allowed).
    const both = await newCase(null);
    const [step1, step2] = [await groupTask(team), await groupTask(team)];
    for (const t of [step1, step2]) await db().task.update({ where: { id: t.id }, data: { instanceId: both.id } });
    await decideTask(team.as.alice, step1.id, { outcome: "approve" });
    await decideTask(team.as.alice, step2.id, { outcome: "approve" });
    await backdate(step1.id, at(12));
    await backdate(step2.id, at(13));

    const report = await separationOfDutiesReport(team.as.auditor, { from: at(0).toISOString(), to: at(24).toISOString() });
    expect(report.period).toEqual({ from: at(0).toISOString(), to: at(24).toISOString() });
    expect(report.scanned).toEqual({ decisions: 5, tasks: 5, cases: 2, withRequester: 5 });
    expect(report.selfApprovals).toEqual([
      { task: { id: own.id, reference: own.reference, title: own.title }, person: { id: alice.id, name: alice.name }, outcome: "approve", decidedAt: at(9).toISOString(), requesterOf: "task" },
      { task: { id: ofBobsCase.id, reference: ofBobsCase.reference, title: ofBobsCase.title }, person: { id: bob.id, name: bob.name }, outcome: "approve", decidedAt: at(10).toISOString(), requesterOf: "case" },
    ]);
    expect(report.repeatDeciders).toEqual([
      {
        case: { id: both.id, process: expect.stringMatching(/^sod-/), businessKey: both.businessKey },
        person: { id: alice.id, name: alice.name },
        decisions: [
          { task: { id: step1.id, reference: step1.reference, title: step1.title }, outcome: "approve", decidedAt: at(12).toISOString() },
          { task: { id: step2.id, reference: step2.reference, title: step2.title }, outcome: "approve", decidedAt: at(13).toISOString() },
        ],
      },
    ]);

    // The period bounds: [from, to). The afternoon holds only Alice's second step: nothing to report.
    const afternoon = await separationOfDutiesReport(team.as.admin, { from: at(13).toISOString(), to: at(24).toISOString() });
    expect(afternoon.scanned).toEqual({ decisions: 1, tasks: 1, cases: 1, withRequester: 1 });
    expect(afternoon.selfApprovals).toEqual([]);
    expect(afternoon.repeatDeciders).toEqual([]);
  });

  it("is empty, and says how much it checked, when every decision kept the rule", async () => {
    const at = dayOfOwn();
    const tasks = [await groupTask(team, { requestedBy: team.users.carol.email }), await groupTask(team), await groupTask(team)];
    const clean = await newCase(team.users.carol.id);
    await db().task.update({ where: { id: tasks[0]!.id }, data: { instanceId: clean.id } });
    await db().task.update({ where: { id: tasks[1]!.id }, data: { instanceId: clean.id } });
    await decideTask(team.as.alice, tasks[0]!.id, { outcome: "approve" });
    await decideTask(team.as.bob, tasks[1]!.id, { outcome: "approve" });
    await decideTask(team.as.alice, tasks[2]!.id, { outcome: "reject", reason: "No purchase order" });
    for (const [i, t] of tasks.entries()) await backdate(t.id, at(8 + i));

    const report = await separationOfDutiesReport(team.as.auditor, { from: at(0).toISOString(), to: at(24).toISOString() });
    expect(report.scanned).toEqual({ decisions: 3, tasks: 3, cases: 1, withRequester: 3 });
    expect(report.selfApprovals).toEqual([]);
    expect(report.repeatDeciders).toEqual([]);
  });

  it("is for auditors and admins, and refuses a backwards period", async () => {
    expect((await appError(separationOfDutiesReport(team.as.supervisor, {}))).code).toBe("FORBIDDEN");
    expect((await appError(separationOfDutiesReport(team.as.alice, {}))).code).toBe("FORBIDDEN");
    const err = await appError(separationOfDutiesReport(team.as.auditor, { from: "2026-02-01T00:00:00Z", to: "2026-01-01T00:00:00Z" }));
    expect(err.code).toBe("VALIDATION_FAILED");
  });
});
