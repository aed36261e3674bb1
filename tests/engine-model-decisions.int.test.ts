// Any decision of a published DMN model from a process (issue #23): a decision step evaluates a
// literal expression and a context decision that requires a decision table, routing reads a
// context decision, and a decision that cannot answer fails the step naming it. Real
// PostgreSQL, a real BullMQ engine worker on this run's prefix.
import type { Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getInstance, startInstance } from "@/lib/engine";
import { publishDefinition } from "@/lib/processes/service";
import { publishDecisionTable, uploadDmn } from "@/lib/rules/service";
import { createTask } from "@/lib/tasks";
import { createGroup } from "@/prisma/factories";
import { appError, db, makeTeam, startEngineWorker, uid, waitFor, type Team } from "./helpers";

let team: Team;
let worker: Worker;
let leads: { key: string; id: string };
let clerks: { key: string; id: string };
beforeAll(async () => {
  team = await makeTeam();
  leads = await createGroup(db(), { memberIds: [team.users.carol.id], supervisorId: team.users.supervisor.id });
  clerks = await createGroup(db(), { memberIds: [team.users.alice.id], supervisorId: team.users.supervisor.id });
  worker = await startEngineWorker();
});
afterAll(async () => {
  await worker?.close();
});

/**
 * A DMN 1.3 graph: input data Amount; decision table "Risk" (the table Baton stores and
 * publishes); literal expression "Fee" (Amount × 0.001, a decimal); context "Route" requiring Risk.
 */
function model(risk: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="defs_${risk}" name="Invoice checks ${risk}" namespace="https://baton.test/${risk}">
  <inputData id="in_amount" name="Amount"><variable name="Amount" typeRef="number"/></inputData>
  <decision id="${risk}" name="Risk">
    <variable name="Risk" typeRef="string"/>
    <informationRequirement id="ir1"><requiredInput href="#in_amount"/></informationRequirement>
    <decisionTable id="risk_table" hitPolicy="UNIQUE">
      <input id="risk_in"><inputExpression id="risk_in_expr" typeRef="number"><text>Amount</text></inputExpression></input>
      <output id="risk_out" name="risk" typeRef="string"/>
      <rule id="risk_low"><inputEntry id="risk_low_in"><text>&lt; 5000</text></inputEntry><outputEntry id="risk_low_out"><text>"low"</text></outputEntry></rule>
      <rule id="risk_high"><inputEntry id="risk_high_in"><text>&gt;= 5000</text></inputEntry><outputEntry id="risk_high_out"><text>"high"</text></outputEntry></rule>
    </decisionTable>
  </decision>
  <decision id="fee" name="Fee">
    <variable name="Fee" typeRef="number"/>
    <informationRequirement id="ir2"><requiredInput href="#in_amount"/></informationRequirement>
    <literalExpression id="fee_expr"><text>Amount * 0.001 + 0.1</text></literalExpression>
  </decision>
  <decision id="route" name="Route">
    <informationRequirement id="ir3"><requiredDecision href="#${risk}"/></informationRequirement>
    <context id="route_ctx">
      <contextEntry><variable name="candidateGroup"/><literalExpression id="route_group"><text>if Risk = "high" then "${leads.key}" else "${clerks.key}"</text></literalExpression></contextEntry>
      <contextEntry><variable name="approvals"/><literalExpression id="route_approvals"><text>if Risk = "high" then 2 else 1</text></literalExpression></contextEntry>
    </context>
  </decision>
  <decision id="broken" name="Broken">
    <variable name="Broken" typeRef="number"/>
    <informationRequirement id="ir4"><requiredInput href="#in_amount"/></informationRequirement>
    <literalExpression id="broken_expr"><text>"about " + string(Amount)</text></literalExpression>
  </decision>
</definitions>`;
}

async function publishModel(): Promise<string> {
  const risk = `risk_${uid().replace(/-/g, "")}`;
  await uploadDmn(team.as.admin, model(risk));
  await publishDecisionTable(team.as.admin, risk, { version: 1 });
  return risk;
}

const instanceIn = (id: string, ...statuses: string[]) =>
  waitFor(`instance ${id} in ${statuses.join("/")}`, async () => {
    const i = await getInstance(team.as.admin, id);
    return statuses.includes(i.status) ? i : null;
  });

describe("any decision of a published model", () => {
  it("a decision step evaluates a literal expression (in decimal) and a context that requires the table, and branches on them", async () => {
    const table = await publishModel();
    const k = `model-decisions-${uid()}`;
    await publishDefinition(team.as.admin, {
      key: k,
      name: "Model decisions",
      steps: [
        { id: "fee", kind: "decision", table: { key: table, decision: "Fee", inputs: { Amount: "invoice.amount" } }, branches: [{ when: { var: "fee", op: ">", value: 7 }, next: "route" }], otherwise: "done" },
        { id: "route", kind: "decision", table: { key: table, decision: "route", inputs: { Amount: "invoice.amount" }, output: "routing" }, branches: [{ when: { var: "routing.approvals", op: "==", value: 2 }, next: "lead" }], otherwise: "done" },
        { id: "lead", kind: "set", assign: { path: "lead" }, next: "done" },
        { id: "done", kind: "end" },
      ],
    });
    const started = await startInstance(team.as.admin, k, { variables: { invoice: { amount: 7000.2 } } });
    const run = await instanceIn(started.id, "COMPLETED");
    // 7000.2 × 0.001 + 0.1 is 7.1002 in decimal (binary floating point gives 7.100199999999999).
    expect(run.variables).toMatchObject({ fee: 7.1002, routing: { candidateGroup: leads.key, approvals: 2 }, path: "lead" });
    expect(run.steps[0]!.output).toMatchObject({ table, version: 1, decision: "Fee", inputs: { Amount: 7000.2 }, value: 7.1002, branch: 0 });
    const evaluated = await db().auditEntry.findMany({ where: { instanceId: started.id, action: "decision_table.evaluated" } });
    expect(evaluated.map((e) => (e.after as { decision: string }).decision).sort()).toEqual(["Fee", "Route"]);
  });

  it("a decision that cannot answer fails the step, naming the decision and why", async () => {
    const table = await publishModel();
    const k = `model-decisions-${uid()}`;
    await publishDefinition(team.as.admin, {
      key: k,
      name: "Broken decision",
      steps: [
        { id: "check", kind: "decision", table: { key: table, decision: "Broken" }, otherwise: "done" },
        { id: "done", kind: "end" },
      ],
    });
    const started = await startInstance(team.as.admin, k, { variables: { Amount: 10 } });
    const failed = await instanceIn(started.id, "FAILED");
    expect(failed.error).toContain(`Step "check": decision "Broken" of "${table}" v1 could not decide`);
  });

  it("routing by a context decision of the model puts the task in the group it names, and an unknown decision is a 422", async () => {
    const table = await publishModel();
    const routing = { strategy: "decision_table" as const, table, decision: "Route" };
    const small = await createTask(team.as.supervisor, { title: `Invoice ${uid()}`, context: { Amount: 100 }, routing });
    expect(small).toMatchObject({ candidateGroup: { key: clerks.key }, approvalsRequired: 1 });
    const big = await createTask(team.as.supervisor, { title: `Invoice ${uid()}`, context: { Amount: 9000 }, routing });
    expect(big).toMatchObject({ candidateGroup: { key: leads.key }, approvalsRequired: 2 });
    const err = await appError(createTask(team.as.supervisor, { title: `Invoice ${uid()}`, context: { Amount: 1 }, routing: { ...routing, decision: "Nope" } }));
    expect(err.status).toBe(422);
    expect(err.message).toContain('has no decision "Nope"');
  });
});
