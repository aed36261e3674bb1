// Issue #22: the audit export carries the business fields an auditor reads (task reference, title,
// amount, vendor, requester, decider) beside the chain fields, and names every actor in words —
// Baton's own as "… (system)" — while the chain fields stay verifiable.
import { describe, expect, it } from "vitest";
import { chainHash } from "@/lib/audit/chain";
import { exportAuditLog } from "@/lib/audit/service";
import { workerActor } from "@/lib/identity/actor";
import { decideTask } from "@/lib/tasks";
import { appendEntry, groupTask, makeTeam, uid } from "./helpers";

async function exported(as: Parameters<typeof exportAuditLog>[0], query: Record<string, string>, format: "csv" | "jsonl"): Promise<string> {
  let out = "";
  for await (const chunk of exportAuditLog(as, query, format)) out += chunk;
  return out;
}

/** RFC 4180 rows (quoted cells may hold commas and quotes; none here holds a line break). */
function csvRows(text: string): string[][] {
  return text
    .split("\r\n")
    .filter(Boolean)
    .map((line) => (line.match(/("([^"]|"")*"|[^,]*)(,|$)/g) ?? []).slice(0, -1).map((c) => c.replace(/,$/, "").replace(/^"(.*)"$/, "$1").replace(/""/g, '"')));
}

describe("the audit export's business fields", () => {
  it("gives each task entry its reference, title, amount, vendor, requester and deciders, and names system actors", async () => {
    const team = await makeTeam();
    const vendor = `Contoso ${uid()}`;
    const task = await groupTask(team, {
      requestedBy: team.users.carol.email,
      approvalsRequired: 2,
      context: { invoiceNumber: `INV-${uid()}`, vendor, amount: 4812.5, currency: "EUR" },
    });
    await decideTask(team.as.alice, task.id, { outcome: "approve" });
    await decideTask(team.as.bob, task.id, { outcome: "approve" });
    await appendEntry(workerActor("escalation policy"), { action: "task.reminded", subjectType: "task", subjectId: task.id, taskId: task.id });
    const deciders = `${team.users.alice.name} (approve); ${team.users.bob.name} (approve)`;

    const lines = (await exported(team.as.auditor, { taskId: task.id }, "jsonl")).trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.action)).toEqual(expect.arrayContaining(["task.created", "task.approval_recorded", "task.approved", "task.reminded"]));
    for (const l of lines) {
      expect(l).toMatchObject({ taskReference: task.reference, taskTitle: task.title, amount: 4812.5, currency: "EUR", vendor, requester: team.users.carol.name, decider: deciders });
      // The chain fields are all there and still verify (sealed entries only: the sealer may not have run).
      if (l.hash) expect(chainHash(l.prevHash as string, l.chainIndex as string, l as never)).toBe(l.hash);
    }
    const byAction = new Map(lines.map((l) => [l.action, l]));
    expect(byAction.get("task.approved")?.actorLabel).toBe(team.users.bob.name);
    expect(byAction.get("task.reminded")).toMatchObject({ actorType: "WORKER", actorName: "escalation policy", actorLabel: "Escalation (system)" });

    const [header, ...rows] = csvRows(await exported(team.as.auditor, { taskId: task.id }, "csv"));
    expect(header!.slice(-8)).toEqual(["actorLabel", "taskReference", "taskTitle", "amount", "currency", "vendor", "requester", "decider"]);
    expect(header).toEqual(expect.arrayContaining(["seq", "chainIndex", "actorName", "prevHash", "hash"]));
    expect(rows).toHaveLength(lines.length);
    const col = (row: string[], name: string) => row[header!.indexOf(name)];
    for (const row of rows) {
      expect(row).toHaveLength(header!.length);
      expect([col(row, "taskReference"), col(row, "taskTitle"), col(row, "amount"), col(row, "vendor"), col(row, "requester"), col(row, "decider")]).toEqual([
        task.reference,
        task.title,
        "4812.5",
        vendor,
        team.users.carol.name,
        deciders,
      ]);
    }
    expect(rows.map((r) => col(r, "actorLabel"))).toContain("Escalation (system)");
  });

  it("leaves the business fields empty for entries about no task", async () => {
    const team = await makeTeam();
    const action = `it.business.${uid()}`;
    await appendEntry(workerActor("worker:audit-retention"), { action, subjectType: "test", subjectId: uid() });
    const [line] = (await exported(team.as.auditor, { action }, "jsonl")).trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(line).toMatchObject({ actorLabel: "Audit retention (system)", taskReference: null, taskTitle: null, amount: null, vendor: null, requester: null, decider: null });
  });
});
