// Custom outcomes on human steps (issue #21, ADR 052) against real PostgreSQL and a real engine
// worker: the step declares them, its task offers them, the decision is checked against the
// declaration (the outcome's own form fields and reason), the process follows the outcome's `next`
// and a later decision branches on `<step>.outcome`; an instance keeps the outcomes of the version
// it started on; all-of parties may choose different approving outcomes.
import type { Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGroup } from "@/prisma/factories";
import { publishDefinition } from "@/lib/processes/service";
import { getInstance } from "@/lib/engine";
import { decideTask, getTask } from "@/lib/tasks";
import { listMyRequests, submitRequest } from "@/lib/requests/service";
import { appError, db, makeTeam, startEngineWorker, uid, waitFor, type Team } from "./helpers";

let team: Team;
let worker: Worker;
beforeAll(async () => {
  team = await makeTeam();
  worker = await startEngineWorker();
});
afterAll(async () => {
  await worker?.close();
});

const WITH_CONDITIONS = { id: "with_conditions", label: "Approve with conditions", style: "primary", fields: ["conditions"] };
const SEND_BACK = { id: "send_back", label: "Send back", rejecting: true, requiresReason: true };

function purchase(key: string, review: Record<string, unknown> = {}) {
  return {
    key,
    name: `Purchase ${key}`,
    requesters: ["*"],
    startForm: [{ id: "item", label: "Item", type: "text", required: true }],
    steps: [
      {
        id: "review",
        kind: "human",
        title: "Buy {{item}}",
        candidateGroup: team.group.key,
        form: [
          { id: "amount", label: "Amount", type: "money", required: true },
          { id: "conditions", label: "Conditions", type: "textarea" },
        ],
        writeBack: { amount: "order.amount" },
        outcomes: ["approve", WITH_CONDITIONS, SEND_BACK, "reject"],
        next: { approve: "route", with_conditions: "route", send_back: "fix", reject: "done" },
        ...review,
      },
      { id: "route", kind: "decision", branches: [{ when: { var: "review.outcome", op: "==", value: "with_conditions" }, next: "watch" }], otherwise: "plain" },
      { id: "watch", kind: "set", assign: { lane: "watched" }, next: "done" },
      { id: "plain", kind: "set", assign: { lane: "plain" }, next: "done" },
      { id: "fix", kind: "set", assign: { lane: "sent back" }, next: "done" },
      { id: "done", kind: "end" },
    ],
  };
}

const mine = async (id: string) => (await listMyRequests(team.as.outsider)).data.find((r) => r.id === id)!;
const waitingTask = async (id: string, n = 1) =>
  waitFor(`${n} open task(s)`, async () => {
    const w = (await mine(id)).waitingOn;
    return w.length === n && w;
  });
const completed = (id: string) => waitFor("the request to complete", async () => (await mine(id)).status === "COMPLETED");

describe("custom outcomes on human steps", () => {
  it("the task offers the step's outcomes; the decision is checked against them; the process follows and branches on the outcome, audited", async () => {
    const key = `buy-${uid()}`;
    await publishDefinition(team.as.admin, purchase(key));
    const filed = await submitRequest(team.as.outsider, { process: key, answers: { item: "Lathe" } });
    const [waiting] = await waitingTask(filed.id);
    const task = await getTask(team.as.bob, waiting!.taskId);
    expect(task.outcomes).toEqual([
      { ...WITH_CONDITIONS, requiresReason: false },
      { ...SEND_BACK, requiresReason: true },
    ]);

    // Only a declared outcome; an outcome's own field and reason are required for it alone.
    const unknown = await appError(decideTask(team.as.bob, task.id, { outcome: "maybe" }));
    expect([unknown.status, unknown.code, unknown.fieldErrors?.[0]?.path]).toEqual([422, "VALIDATION_FAILED", "outcome"]);
    const noConditions = await appError(decideTask(team.as.bob, task.id, { outcome: "with_conditions", form: { amount: "80" } }));
    expect(noConditions.fieldErrors).toEqual([{ path: "form.conditions", message: "required" }]);
    expect((await getTask(team.as.bob, task.id)).status).toBe("OPEN");

    const decided = await decideTask(team.as.bob, task.id, { outcome: "with_conditions", form: { amount: "80", conditions: "Delivery by March" } });
    expect(decided).toMatchObject({ status: "DECIDED", outcome: "with_conditions" });
    await completed(filed.id);
    const vars = (await getInstance(team.as.admin, filed.id)).variables;
    expect(vars).toMatchObject({ lane: "watched", order: { amount: 80 }, conditions: "Delivery by March", review: { outcome: "with_conditions", taskId: task.id } });
    const entries = await db().auditEntry.findMany({ where: { OR: [{ subjectId: filed.id }, { taskId: task.id }] }, orderBy: { seq: "asc" } });
    expect(entries.find((e) => e.action === "task.decided")?.after).toMatchObject({ outcome: "with_conditions", form: { amount: 80, conditions: "Delivery by March" } });
    expect(entries.find((e) => e.action === "step.completed" && (e.after as { outcome?: string } | null)?.outcome)?.after).toMatchObject({ outcome: "with_conditions", taskId: task.id });

    // A rejecting custom outcome needs its reason, not the approval's form, and takes its own next.
    const other = await submitRequest(team.as.outsider, { process: key, answers: { item: "Drill" } });
    const [w2] = await waitingTask(other.id);
    expect((await appError(decideTask(team.as.bob, w2!.taskId, { outcome: "send_back" }))).fieldErrors).toEqual([{ path: "reason", message: "A reason is required" }]);
    await decideTask(team.as.bob, w2!.taskId, { outcome: "send_back", reason: "Quote is missing" });
    await completed(other.id);
    expect((await getInstance(team.as.admin, other.id)).variables).toMatchObject({ lane: "sent back", review: { outcome: "send_back", reason: "Quote is missing" } });
  });

  it("an instance keeps the outcomes of the version it started on", async () => {
    const key = `buy-${uid()}`;
    await publishDefinition(team.as.admin, purchase(key));
    const old = await submitRequest(team.as.outsider, { process: key, answers: { item: "Saw" } });
    const [w] = await waitingTask(old.id);
    // Version 2 drops "with_conditions" and adds "escalate".
    await publishDefinition(team.as.admin, purchase(key, { outcomes: ["approve", { id: "escalate", label: "Escalate" }, "reject"], next: { approve: "route", escalate: "fix", reject: "done" } }));
    const fresh = await submitRequest(team.as.outsider, { process: key, answers: { item: "Vise" } });
    const [w2] = await waitingTask(fresh.id);
    expect((await getTask(team.as.bob, w2!.taskId)).outcomes.map((o) => o.id)).toEqual(["escalate"]);
    expect((await getTask(team.as.bob, w!.taskId)).outcomes.map((o) => o.id)).toEqual(["with_conditions", "send_back"]);
    expect((await appError(decideTask(team.as.bob, w!.taskId, { outcome: "escalate", form: { amount: 5 } }))).code).toBe("VALIDATION_FAILED");
    await decideTask(team.as.bob, w!.taskId, { outcome: "with_conditions", form: { amount: 5, conditions: "Used is fine" } });
    await completed(old.id);
    expect((await getInstance(team.as.admin, old.id)).variables).toMatchObject({ lane: "watched" });
  });

  it("all-of: every party approves, one with conditions: the step's outcome is the custom one; a rejecting outcome by one party ends the step", async () => {
    const finance = await createGroup(db(), { memberIds: [team.users.carol.id] });
    const legal = await createGroup(db(), { memberIds: [team.users.alice.id] });
    const key = `buy-${uid()}`;
    const parties = { approvers: { mode: "all", of: [{ candidateGroup: finance.key }, { candidateGroup: legal.key }] }, candidateGroup: undefined };
    await publishDefinition(team.as.admin, purchase(key, parties));
    const filed = await submitRequest(team.as.outsider, { process: key, answers: { item: "Press" } });
    const both = await waitingTask(filed.id, 2);
    const financeTask = both.find((t) => t.group?.id === finance.id)!;
    const legalTask = both.find((t) => t.group?.id === legal.id)!;
    await decideTask(team.as.carol, financeTask.taskId, { outcome: "approve", form: { amount: 300 } });
    await decideTask(team.as.alice, legalTask.taskId, { outcome: "with_conditions", form: { amount: 300, conditions: "Standard contract only" } });
    await completed(filed.id);
    expect((await getInstance(team.as.admin, filed.id)).variables).toMatchObject({ lane: "watched", review: { outcome: "with_conditions" }, conditions: "Standard contract only" });

    const second = await submitRequest(team.as.outsider, { process: key, answers: { item: "Crane" } });
    const pair = await waitingTask(second.id, 2);
    await decideTask(team.as.alice, pair.find((t) => t.group?.id === legal.id)!.taskId, { outcome: "send_back", reason: "Needs a safety review" });
    await completed(second.id);
    expect((await getInstance(team.as.admin, second.id)).variables).toMatchObject({ lane: "sent back", review: { outcome: "send_back" } });
    expect((await db().task.findUniqueOrThrow({ where: { id: pair.find((t) => t.group?.id === finance.id)!.taskId } })).status).toBe("CANCELLED");
  });
});
