// Moving in-flight instances to a newer version: the preview says which can move and why the
// others cannot, and changes nothing; the move re-checks each instance against the version the
// preview showed, audits instance.migrated, and the instance continues on the new version.
import { beforeAll, describe, expect, it } from "vitest";
import { getInstance, retryFailedStep, startInstance } from "@/lib/engine";
import { migrateInstances, previewMigration } from "@/lib/engine";
import { runStep } from "@/lib/engine";
import { deprecateVersion, publishDefinition } from "@/lib/processes/service";
import { appError, db, makeTeam, uid, type Team } from "./helpers";

let team: Team;
beforeAll(async () => {
  team = await makeTeam();
});

const v1 = (key: string) => ({
  key,
  name: "Migration test",
  steps: [
    { id: "prep", kind: "set", assign: { prepared: true }, next: "review" },
    { id: "review", kind: "human", title: "Review {{n}} (v1)", candidateGroup: team.group.key, next: { approve: "done", reject: "done" } },
    { id: "done", kind: "end" },
  ],
});
// v2 drops "prep" and renames the review task.
const v2 = (key: string) => ({
  key,
  name: "Migration test",
  steps: [
    { id: "review", kind: "human", title: "Review {{n}} (v2)", candidateGroup: team.group.key, next: { approve: "done", reject: "done" } },
    { id: "done", kind: "end" },
  ],
});

async function pendingRun(instanceId: string, stepId: string) {
  return db().stepRun.findFirstOrThrow({ where: { instanceId, stepId, status: "PENDING" } });
}

/** An instance of v1 advanced to its pending "review" step (the worker is not running here). */
async function atReview(key: string, n: number) {
  const i = await startInstance(team.as.admin, key, { variables: { n } });
  // One step only: "review" stays PENDING with its job queued.
  await runStep((await pendingRun(i.id, "prep")).id, undefined, { chain: false });
  return i.id;
}

describe("migrating instances to a newer version", () => {
  it("previews who can move and why not, moves the picked ones, refuses a changed one, and the instance continues on the new version", async () => {
    const key = `mig-${uid()}`;
    await publishDefinition(team.as.admin, v1(key));
    const movable = await atReview(key, 1);
    const stale = await atReview(key, 2);
    const atPrep = (await startInstance(team.as.admin, key, { variables: { n: 3 } })).id;
    const finished = await atReview(key, 4);
    await db().processInstance.update({ where: { id: finished }, data: { status: "COMPLETED", endedAt: new Date() } });
    const running = await atReview(key, 5);
    await db().stepRun.updateMany({ where: { instanceId: running, stepId: "review" }, data: { status: "RUNNING" } });
    await publishDefinition(team.as.admin, v2(key));

    const auditBefore = await db().auditEntry.count({ where: { action: "instance.migrated" } });
    const preview = await previewMigration(team.as.admin, key, { targetVersion: 2, instanceIds: [movable, stale, atPrep, finished, running] });
    const byId = new Map(preview.data.map((c) => [c.instanceId, c]));
    expect(byId.get(movable)).toMatchObject({ canMove: true, reason: null, fromVersion: 1, steps: [{ stepId: "review", type: "human", status: "PENDING" }] });
    expect(byId.get(atPrep)).toMatchObject({ canMove: false, reason: 'Its current step "prep" does not exist in v2.' });
    expect(byId.get(finished)).toMatchObject({ canMove: false, reason: "It has already finished (completed)." });
    expect(byId.get(running)!.reason).toBe('Step "review" is running in a worker right now; preview again when it has finished.');
    expect(preview.summary).toEqual({ movable: 2, blocked: 3 });
    // The preview changed nothing.
    expect((await getInstance(team.as.admin, movable)).process.version).toBe(1);
    expect(await db().auditEntry.count({ where: { action: "instance.migrated" } })).toBe(auditBefore);

    // Without ids: every running, waiting or failed instance on an older version.
    const all = await previewMigration(team.as.admin, key, { targetVersion: 2 });
    expect(all.data.map((c) => c.instanceId).sort()).toEqual([movable, stale, atPrep, running].sort());

    // "stale" moves on after the preview: its move is refused.
    const staleVersion = byId.get(stale)!.instanceVersion;
    await db().processInstance.update({ where: { id: stale }, data: { version: { increment: 1 } } });
    const result = await migrateInstances(team.as.admin, key, {
      targetVersion: 2,
      reason: "v2 drops the manual prep",
      instances: [
        { id: movable, version: byId.get(movable)!.instanceVersion },
        { id: stale, version: staleVersion },
        { id: atPrep, version: byId.get(atPrep)!.instanceVersion },
      ],
    });
    expect(result.summary).toEqual({ moved: 1, refused: 2 });
    expect(result.data).toEqual([
      { instanceId: movable, ok: true, fromVersion: 1 },
      { instanceId: stale, ok: false, code: "INSTANCE_CHANGED", detail: expect.stringContaining("changed since the preview") },
      { instanceId: atPrep, ok: false, code: "CANNOT_MIGRATE", detail: 'Its current step "prep" does not exist in v2.' },
    ]);
    expect((await getInstance(team.as.admin, stale)).process.version).toBe(1);

    const moved = await getInstance(team.as.admin, movable);
    expect(moved.process.version).toBe(2);
    const audit = await db().auditEntry.findMany({ where: { instanceId: movable, action: "instance.migrated" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: team.users.admin.id, reason: "v2 drops the manual prep" });
    expect(audit[0]!.before).toMatchObject({ process: key, version: 1 });
    expect(audit[0]!.after).toMatchObject({ process: key, version: 2, steps: ["review"] });
    // Nothing was written for the refused ones.
    expect(await db().auditEntry.count({ where: { instanceId: { in: [stale, atPrep] }, action: "instance.migrated" } })).toBe(0);

    // It continues as v2 defines the step: the task has v2's title.
    await runStep((await pendingRun(movable, "review")).id);
    const task = await db().task.findFirstOrThrow({ where: { instanceId: movable } });
    expect(task.title).toBe("Review 1 (v2)");
  });

  it("a failed instance moves when its failed step exists there, and the retry runs the new version's step", async () => {
    const key = `mig-${uid()}`;
    await publishDefinition(team.as.admin, v1(key));
    const id = await atReview(key, 7);
    await db().stepRun.updateMany({ where: { instanceId: id, stepId: "review" }, data: { status: "FAILED", error: "group missing" } });
    await db().processInstance.update({ where: { id }, data: { status: "FAILED", error: "group missing" } });
    await publishDefinition(team.as.admin, v2(key));
    const [c] = (await previewMigration(team.as.admin, key, { targetVersion: 2, instanceIds: [id] })).data;
    expect(c).toMatchObject({ canMove: true, steps: [{ stepId: "review", status: "FAILED" }] });
    expect((await migrateInstances(team.as.admin, key, { targetVersion: 2, instances: [{ id, version: c!.instanceVersion }] })).summary.moved).toBe(1);
    await retryFailedStep(team.as.admin, id, {});
    await runStep((await pendingRun(id, "review")).id);
    expect((await db().task.findFirstOrThrow({ where: { instanceId: id } })).title).toBe("Review 7 (v2)");
  });

  it("refuses a deprecated or unknown target and a person without processes:manage", async () => {
    const key = `mig-${uid()}`;
    await publishDefinition(team.as.admin, v1(key));
    await publishDefinition(team.as.admin, v2(key));
    await deprecateVersion(team.as.admin, key, 2);
    expect((await appError(previewMigration(team.as.admin, key, { targetVersion: 2 }))).code).toBe("CONFLICT");
    expect((await appError(previewMigration(team.as.admin, key, { targetVersion: 9 }))).code).toBe("NOT_FOUND");
    expect((await appError(previewMigration(team.as.supervisor, key, { targetVersion: 1 }))).code).toBe("FORBIDDEN");
    expect((await appError(migrateInstances(team.as.admin, key, { targetVersion: 1, instances: [] }))).code).toBe("VALIDATION_FAILED");
  });
});
