// The case around a task (GET /tasks/:id/case; issue #21/#22, ADR 040): the published definition's
// context layout with the values it reads, the request's steps, the case's other tasks and
// comments, and the vendor's earlier requests — each only as far as the caller can see.
import { beforeAll, describe, expect, it } from "vitest";
import { invoiceApprovalDefinition } from "@/lib/processes/examples/invoice-approval";
import { publishDefinition } from "@/lib/processes/service";
import { validateDefinition } from "@/lib/processes/definition";
import { decideTask, getTaskCase } from "@/lib/tasks";
import { appError, db, groupTask, makeTeam, uid, type Team } from "./helpers";

let team: Team;
beforeAll(async () => {
  team = await makeTeam();
});

/** An instance of a definition with a context layout, and a task of it in the team's queue. */
async function caseTask(definitionId: string, variables: Record<string, unknown>, businessKey: string) {
  const instance = await db().processInstance.create({ data: { definitionId, variables: variables as object, businessKey, startedByName: "ERP" } });
  await db().stepRun.create({ data: { instanceId: instance.id, stepId: "po-match", type: "http", status: "COMPLETED", endedAt: new Date() } });
  const task = await groupTask(team, { context: { invoiceNumber: variables.invoiceNumber, amount: variables.amount } });
  await db().task.update({ where: { id: task.id }, data: { instanceId: instance.id } });
  return { instance, task };
}

describe("the case around a task", () => {
  it("refuses a layout that does not fit the schema at publish", () => {
    const doc = { ...invoiceApprovalDefinition("http://erp.test"), key: `bad-${uid()}` };
    expect(validateDefinition(doc).ok).toBe(true);
    const bad = { ...doc, contextLayout: { sections: [{ title: "x", fields: [{ path: "a..b", label: "A" }] }] } };
    expect(validateDefinition(bad).ok).toBe(false);
  });

  it("gives the layout, values, steps, the case's other tasks and comments, and the vendor's history", async () => {
    const doc = { ...invoiceApprovalDefinition("http://erp.test"), key: `inv-${uid()}` };
    await publishDefinition(team.as.admin, doc);
    const def = await db().processDefinition.findFirstOrThrow({ where: { key: doc.key } });
    const vendor = `Vendor ${uid()}`;
    const invoice = (n: number, extra = {}) => ({ invoiceNumber: `INV-${n}`, vendor, amount: 2300, currency: "EUR", poAmount: 2300, receivedAmount: 2070, ...extra });

    // An earlier invoice of the same vendor, rejected by Alice.
    const earlier = await caseTask(def.id, invoice(1), "INV-1");
    await decideTask(team.as.alice, earlier.task.id, { outcome: "reject", reason: "Duplicate of INV-0" });
    // Another vendor's invoice: not in the history.
    await caseTask(def.id, invoice(2, { vendor: `Other ${uid()}` }), "INV-2");

    const current = await caseTask(def.id, invoice(3), "INV-3");
    const sibling = await groupTask(team, { title: "Check the delivery note" });
    await db().task.update({ where: { id: sibling.id }, data: { instanceId: current.instance.id } });
    await db().comment.create({ data: { taskId: sibling.id, body: "One unit missing on delivery", authorId: team.users.bob.id } });

    const view = await getTaskCase(team.as.bob, current.task.id);
    expect(view.layout?.comparison?.columns).toEqual(["Invoice", "Purchase order", "Goods received"]);
    expect(view.values).toMatchObject({ vendor, amount: 2300, receivedAmount: 2070, currency: "EUR" });
    expect(view.request).toMatchObject({ process: doc.key, businessKey: "INV-3", startedBy: "ERP" });
    expect(view.timeline.map((s) => [s.stepId, s.status])).toEqual([["po-match", "COMPLETED"]]);
    expect(view.relatedTasks.map((t) => t.title)).toEqual(["Check the delivery note"]);
    expect(view.comments).toEqual([expect.objectContaining({ author: "Bob", body: "One unit missing on delivery" })]);
    expect(view.history).toMatchObject({ label: "Vendor", value: vendor });
    expect(view.history!.requests).toHaveLength(1);
    expect(view.history!.requests[0]).toMatchObject({ businessKey: "INV-1", decisions: [expect.objectContaining({ outcome: "reject", reason: "Duplicate of INV-0", decidedBy: "Alice" })] });

    // The outsider cannot see the task, so gets nothing of the case.
    expect((await appError(getTaskCase(team.as.outsider, current.task.id))).status).toBe(404);
    // A task without a request: no layout, its own context as the values.
    const plain = await groupTask(team, { context: { vendor } });
    expect(await getTaskCase(team.as.bob, plain.id)).toMatchObject({ layout: null, request: null, values: { vendor }, history: null });
  });
});
