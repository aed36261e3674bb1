import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { createTask, decideTask } from "@/lib/tasks";
import { auditFor, db, dropFaults, failInsertsInto, groupTask, makeTeam, ownerDb, uid, type Team } from "./helpers";

let team: Team;
beforeAll(async () => {
  team = await makeTeam();
});

// Faults are injected with a throwaway trigger: a real database error in the middle of the
// service's transaction, after the task row has already been changed.
afterEach(dropFaults);

describe("audit entries commit with the change they record", () => {
  it("a failure after the decision's UPDATE rolls back the task change and its audit entry", async () => {
    const task = await groupTask(team);
    await failInsertsInto("OutboxMessage", `NEW."jobId" = 'task-decided.${task.id}'`);

    await expect(decideTask(team.as.alice, task.id, { outcome: "approve" })).rejects.toThrow(/injected fault/);

    const row = await db().task.findUniqueOrThrow({ where: { id: task.id } });
    expect(row).toMatchObject({ status: "OPEN", version: 1, outcome: null, decidedById: null, decidedAt: null, assigneeId: null });
    expect((await auditFor(task.id)).map((a) => a.action)).toEqual(["task.created", "task.routed"]);
    expect(await db().outboxMessage.count({ where: { jobId: `task-decided.${task.id}` } })).toBe(0);
  });

  it("a failing audit insert rolls back the task it describes", async () => {
    const title = `Audit fault ${uid()}`;
    await failInsertsInto("AuditEntry", `NEW."action" = 'task.created' AND NEW."after"->>'title' = '${title}'`);
    await expect(createTask(team.as.supervisor, { title, candidateGroup: team.group.key })).rejects.toThrow(/injected fault/);
    expect(await db().task.count({ where: { title } })).toBe(0);
  });

  it("records who, what, before and after", async () => {
    const task = await groupTask(team);
    await decideTask({ ...team.as.alice, requestId: "req-audit-0001", ip: "203.0.113.9" }, task.id, { outcome: "approve" });
    const [, , decision] = await auditFor(task.id);
    expect(decision).toMatchObject({
      action: "task.approved",
      actorType: "USER",
      actorId: team.users.alice.id,
      actorName: team.users.alice.name,
      subjectType: "task",
      subjectId: task.id,
      requestId: "req-audit-0001",
      ip: "203.0.113.9",
    });
  });
});

describe("the audit table is append-only", () => {
  async function someEntry() {
    const task = await createTask(team.as.supervisor, { title: `Append-only ${uid()}`, candidateGroup: team.group.key });
    const [entry] = await auditFor(task.id);
    if (!entry) throw new Error("no audit entry");
    return entry;
  }

  it("rejects changing an entry's content", async () => {
    const entry = await someEntry();
    await expect(db().$executeRaw`UPDATE "AuditEntry" SET "action" = 'task.approved' WHERE seq = ${entry.seq}`).rejects.toThrow(/content cannot change/);
    await expect(db().auditEntry.update({ where: { seq: entry.seq }, data: { actorName: "Someone else" } })).rejects.toThrow();
    expect(await db().auditEntry.findUniqueOrThrow({ where: { seq: entry.seq } })).toMatchObject({ action: "task.created", actorName: entry.actorName });
  });

  it("refuses a change of any content column, alone or with the sealing columns, and allows sealing alone", async () => {
    const entry = await someEntry();
    // Every column but the three the sealer fills: the guard compares the whole row.
    const changes: Record<string, string> = {
      seq: `"seq" = "seq" + 1000000`,
      at: `"at" = "at" + interval '1 second'`,
      actorType: `"actorType" = 'SYSTEM'`,
      actorId: `"actorId" = NULL`,
      actorName: `"actorName" = 'Someone else'`,
      onBehalfOfId: `"onBehalfOfId" = 'someone'`,
      action: `"action" = 'task.approved'`,
      subjectType: `"subjectType" = 'Other'`,
      subjectId: `"subjectId" = 'other'`,
      taskId: `"taskId" = NULL`,
      instanceId: `"instanceId" = 'other'`,
      before: `"before" = '{"x":1}'::jsonb`,
      after: `"after" = COALESCE("after", '{}'::jsonb) || '{"x":1}'::jsonb`,
      reason: `"reason" = 'rewritten'`,
      requestId: `"requestId" = 'req-other'`,
      ip: `"ip" = '198.51.100.1'`,
      userAgent: `"userAgent" = 'curl'`,
    };
    const columns = await db().$queryRaw<{ column_name: string }[]>`SELECT column_name::text AS column_name FROM information_schema.columns WHERE table_name = 'AuditEntry' AND table_schema = current_schema()`;
    expect(columns.map((c) => c.column_name).sort()).toEqual([...Object.keys(changes), "chainIndex", "hash", "prevHash"].sort());
    for (const [column, set] of Object.entries(changes)) {
      await expect(db().$executeRawUnsafe(`UPDATE "AuditEntry" SET ${set} WHERE seq = ${entry.seq}`), column).rejects.toThrow(/content cannot change/);
      await expect(db().$executeRawUnsafe(`UPDATE "AuditEntry" SET "hash" = 'h', ${set} WHERE seq = ${entry.seq}`), `${column} while sealing`).rejects.toThrow(/content cannot change/);
    }
    // Sealing alone passes (setting a column to the value it has is no change), once: rolled back,
    // so the sealer still chains this entry.
    const rollback = new Error("rollback");
    await expect(
      db().$transaction(async (tx) => {
        expect(await tx.$executeRawUnsafe(`UPDATE "AuditEntry" SET "hash" = 'h', "action" = "action" WHERE seq = ${entry.seq}`)).toBe(1);
        await tx.$executeRawUnsafe("SAVEPOINT again");
        await expect(tx.$executeRawUnsafe(`UPDATE "AuditEntry" SET "prevHash" = 'p' WHERE seq = ${entry.seq}`)).rejects.toThrow(/sealed/);
        await tx.$executeRawUnsafe("ROLLBACK TO SAVEPOINT again");
        throw rollback;
      }),
    ).rejects.toBe(rollback);
    expect(await db().auditEntry.findUniqueOrThrow({ where: { seq: entry.seq } })).toMatchObject({ action: "task.created", actorName: entry.actorName, hash: null });
  });

  it("rejects DELETE", async () => {
    const entry = await someEntry();
    // The application role has no DELETE right at all (ADR 025); the trigger stops even the owner.
    await expect(db().$executeRaw`DELETE FROM "AuditEntry" WHERE seq = ${entry.seq}`).rejects.toThrow(/permission denied/);
    await expect(ownerDb().$executeRaw`DELETE FROM "AuditEntry" WHERE seq = ${entry.seq}`).rejects.toThrow(/append-only/);
    await expect(db().auditEntry.deleteMany({ where: { seq: entry.seq } })).rejects.toThrow();
    expect(await db().auditEntry.count({ where: { seq: entry.seq } })).toBe(1);
  });

  it("rejects TRUNCATE", async () => {
    await someEntry();
    const before = await db().auditEntry.count();
    await expect(db().$executeRawUnsafe(`TRUNCATE "AuditEntry"`)).rejects.toThrow(/permission denied/);
    await expect(ownerDb().$executeRawUnsafe(`TRUNCATE "AuditEntry"`)).rejects.toThrow(/append-only/);
    expect(await db().auditEntry.count()).toBe(before);
  });
});
