// Routing by a decision table (strategy decision_table) against real PostgreSQL: the table is
// evaluated in the task's creating transaction, a newly published version routes the next task
// while nothing already created moves, the audit names the version and the rule that fired, a
// pinned version is honoured, "auto-approve" decides the task at once, and every way the table
// cannot answer is a 422 that writes nothing.
import { beforeAll, describe, expect, it } from "vitest";
import { humanStepSchema } from "@/lib/processes/schemas";
import { invoiceRoutingTable } from "@/lib/rules/examples/invoice-routing";
import type { DecisionTableModel } from "@/lib/rules/schemas";
import { modelToDmnXml } from "@/lib/rules/serialize";
import { publishDecisionTable, uploadDmn } from "@/lib/rules/service";
import { createTask } from "@/lib/tasks";
import { createGroup } from "@/prisma/factories";
import { appError, auditFor, db, makeTeam, uid, type Team } from "./helpers";

let team: Team;
let clerks: { key: string; id: string };
let leads: { key: string; id: string };
beforeAll(async () => {
  team = await makeTeam();
  const prisma = db();
  clerks = await createGroup(prisma, { memberIds: [team.users.alice.id, team.users.bob.id], supervisorId: team.users.supervisor.id });
  leads = await createGroup(prisma, { memberIds: [team.users.carol.id], supervisorId: team.users.supervisor.id });
});

/** The seed's invoice-routing table under a fresh key, sending work to this file's groups. */
function table(key: string, change?: (m: DecisionTableModel) => void): DecisionTableModel {
  const m = structuredClone(invoiceRoutingTable);
  m.key = key;
  for (const r of m.rules) {
    const group = r.outputEntries[1]!;
    group.text = group.text.replace('"accounts-payable"', `"${clerks.key}"`).replace('"finance-leads"', `"${leads.key}"`);
  }
  change?.(m);
  return m;
}

async function publish(m: DecisionTableModel, version: number) {
  await uploadDmn(team.as.admin, modelToDmnXml(m));
  await publishDecisionTable(team.as.admin, m.key, { version });
}

const invoice = (key: string, amount: number, newVendor = false, extra: Record<string, unknown> = {}) => ({
  title: `Invoice ${uid()} (${amount})`,
  context: { amount, newVendor },
  routing: { strategy: "decision_table" as const, table: key },
  ...extra,
});


describe("routing by a decision table", () => {
  it("routes by v1, then by a newly published v2, leaving earlier tasks as they were; the audit names version and rule", async () => {
    const key = `routing-${uid()}`;
    const v1 = table(key);
    await publish(v1, 1);

    const before = await createTask(team.as.supervisor, invoice(key, 7000));
    expect(before).toMatchObject({ status: "OPEN", assignee: null, candidateGroup: { key: clerks.key }, approvalsRequired: 1 });
    const entries = await auditFor(before.id);
    expect(entries.map((e) => e.action)).toEqual(["decision_table.evaluated", "task.created", "task.routed"]);
    const clerkRule = v1.rules[1]!.id;
    expect(entries[0]!.after).toMatchObject({ version: 1, status: "PUBLISHED", inputs: { amount: 7000, newVendor: false }, matchedRules: [clerkRule] });
    expect(entries[0]).toMatchObject({ subjectId: key, taskId: before.id, actorId: team.users.supervisor.id });
    expect(entries[2]!.after).toMatchObject({
      strategy: "group",
      group: { key: clerks.key },
      candidateGroupId: clerks.id,
      decisionTable: { key, version: 1, matchedRules: [{ id: clerkRule, index: 2 }], output: { route: "clerk", candidateGroup: clerks.key, approvals: 1 }, autoApproved: false },
    });
    expect(entries[2]!.reason).toContain(`${key} v1 rule ${clerkRule}`);

    // Priya lowers the team lead's threshold to 5,000 and publishes v2.
    await publish(
      table(key, (m) => {
        m.rules[1]!.inputEntries[0]!.text = "[1000..5000]";
        m.rules[2]!.inputEntries[0]!.text = "> 5000";
      }),
      2,
    );
    const after = await createTask(team.as.supervisor, invoice(key, 7000));
    expect(after).toMatchObject({ candidateGroup: { key: leads.key } });
    const routed = (await auditFor(after.id)).find((e) => e.action === "task.routed")!;
    expect(routed.after).toMatchObject({ decisionTable: { key, version: 2, matchedRules: [{ id: v1.rules[2]!.id }] } });

    // Nothing already created moved: same group, same audit trail.
    const reread = await db().task.findUniqueOrThrow({ where: { id: before.id } });
    expect(reread).toMatchObject({ candidateGroupId: clerks.id, assigneeId: null, status: "OPEN" });
    expect((await auditFor(before.id)).map((e) => e.action)).toEqual(["decision_table.evaluated", "task.created", "task.routed"]);

    // A pinned version keeps deciding as it did.
    const pinned = await createTask(team.as.supervisor, { ...invoice(key, 7000), routing: { strategy: "decision_table", table: key, version: 1 } });
    expect(pinned).toMatchObject({ candidateGroup: { key: clerks.key } });
    expect((await auditFor(pinned.id)).find((e) => e.action === "task.routed")!.after).toMatchObject({ decisionTable: { version: 1 } });
  });

  it("applies approvals (four-eyes), priority and dueIn, and maps inputs from context paths", async () => {
    const key = `routing-${uid()}`;
    await publish(
      table(key, (m) => {
        m.outputs.push({ id: "out_priority", name: "priority", label: "Priority", typeRef: "string", outputValues: null, defaultOutput: null }, { id: "out_due", name: "dueIn", label: "Due in", typeRef: "string", outputValues: null, defaultOutput: null });
        for (const r of m.rules) r.outputEntries.push({ id: `${r.id}_p`, text: '"HIGH"' }, { id: `${r.id}_d`, text: '"PT4H"' });
      }),
      1,
    );
    const t0 = Date.now();
    const t = await createTask(team.as.supervisor, {
      title: `Invoice ${uid()}`,
      context: { invoice: { total: 200, vendor: { isNew: true } } },
      routing: { strategy: "decision_table", table: key, inputs: { amount: "invoice.total", newVendor: "invoice.vendor.isNew" } },
    });
    expect(t).toMatchObject({ candidateGroup: { key: clerks.key }, approvalsRequired: 2, priority: "HIGH" });
    const due = Date.parse(t.dueAt!) - t0;
    expect(due).toBeGreaterThan(4 * 3600_000 - 60_000);
    expect(due).toBeLessThan(4 * 3600_000 + 60_000);
  });

  it("auto-approves when the table says no person is needed, with the rule as the reason", async () => {
    const key = `routing-${uid()}`;
    const m = table(key);
    await publish(m, 1);
    const t = await createTask(team.as.supervisor, invoice(key, 420));
    const rule = m.rules[0]!.id;
    expect(t).toMatchObject({ status: "DECIDED", outcome: "approve", assignee: null, candidateGroup: null, decidedBy: null });
    expect(t.reason).toBe(`Auto-approved by ${key} v1 rule ${rule} (${m.rules[0]!.annotation}).`);
    const entries = await auditFor(t.id);
    expect(entries.map((e) => e.action)).toEqual(["decision_table.evaluated", "task.created", "task.routed", "task.approved"]);
    expect(entries[2]!.after).toMatchObject({ strategy: "auto_approve", decisionTable: { version: 1, autoApproved: true, matchedRules: [{ id: rule }] } });
    expect(entries[3]).toMatchObject({ actorType: "SYSTEM", actorName: `decision table ${key} v1`, reason: t.reason });
  });

  it("refuses with a 422 naming the table, and writes nothing, when the table cannot answer", async () => {
    const key = `routing-${uid()}`;
    const m = table(key);
    const evaluated = () => db().auditEntry.count({ where: { action: "decision_table.evaluated", subjectId: key } });
    const refused = async (input: Parameters<typeof createTask>[1], path: string) => {
      const e = await appError(createTask(team.as.supervisor, input));
      expect(e.status).toBe(422);
      expect(e.message).toContain(`"${key}"`);
      expect(e.fieldErrors?.[0]?.path).toBe(path);
      expect(await db().task.count({ where: { title: (input as { title: string }).title } })).toBe(0);
      return e;
    };

    await refused(invoice(key, 5000), "routing.table"); // no such table
    await uploadDmn(team.as.admin, modelToDmnXml(m));
    const noPublished = await refused(invoice(key, 5000), "routing.table");
    expect(noPublished.message).toContain("no published version");
    await refused({ ...invoice(key, 5000), routing: { strategy: "decision_table", table: key, version: 1 } }, "routing.version"); // a draft
    await publishDecisionTable(team.as.admin, key, { version: 1 });
    await refused({ ...invoice(key, 5000), routing: { strategy: "decision_table", table: key, version: 9 } }, "routing.version");
    const missing = await refused({ ...invoice(key, 5000), context: { amount: 5000 } }, "context");
    expect(missing.message).toContain('"newVendor"');
    expect(await evaluated()).toBe(0);

    // UNIQUE with two matching rules: the evaluation error, naming the rules.
    const overlapping = table(key, (t) => {
      t.rules[1]!.inputEntries[0]!.text = "[1000..20000]";
    });
    await uploadDmn(team.as.admin, modelToDmnXml(overlapping));
    await publishDecisionTable(team.as.admin, key, { version: 2 });
    const conflict = await refused(invoice(key, 15000), "routing.table");
    expect(conflict.code).toBe("DECISION_EVALUATION_FAILED");
    expect(conflict.message).toContain("UNIQUE");
    expect(await evaluated()).toBe(0);
  });

  it("is refused by the schema without a table, and accepted on a process's human step", async () => {
    const e = await appError(createTask(team.as.supervisor, { title: `No table ${uid()}`, routing: { strategy: "decision_table" } }));
    expect(e.fieldErrors).toEqual([{ path: "routing.table", message: "name the decision table" }]);
    const step = humanStepSchema.safeParse({
      id: "approval",
      kind: "human",
      title: "Approve {{invoiceNumber}}",
      context: ["amount", "newVendor"],
      routing: { strategy: "decision_table", table: "invoice-routing" },
      next: { approve: "done", reject: "done" },
    });
    expect(step.success).toBe(true);
  });
});
