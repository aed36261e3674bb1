// Routing (lib/routing): each strategy, out-of-office delegation, round-robin fairness under
// concurrency, least-loaded with skills, conditions, and the task.routed audit entry.
import { beforeAll, describe, expect, it } from "vitest";
import { claimTask, createTask, decideTask } from "@/lib/tasks";
import { createGroup, createUser, userActor } from "@/prisma/factories";
import { appError, auditFor, db, makeTeam, uid, type Team } from "./helpers";

let team: Team;
beforeAll(async () => {
  team = await makeTeam();
});


async function routedEntry(taskId: string) {
  const entries = await auditFor(taskId);
  expect(entries.map((e) => e.action)).toEqual(["task.created", "task.routed"]);
  return entries[1]!;
}

/** A fresh group of `n` members (sorted by id, as routing orders them). */
async function freshGroup(n: number, opts: { skills?: string[][] } = {}) {
  const prisma = db();
  const members = await Promise.all(Array.from({ length: n }, (_, i) => createUser(prisma, { name: `M${i} ${uid()}`, skills: opts.skills?.[i] ?? [] })));
  const group = await createGroup(prisma, { memberIds: members.map((m) => m.id), supervisorId: team.users.supervisor.id });
  return { group, members: members.sort((a, b) => a.id.localeCompare(b.id)) };
}

describe("direct and group routing (today's fields keep working)", () => {
  it("assignee → direct; candidateGroup → queue; both audited as task.routed", async () => {
    const direct = await createTask(team.as.supervisor, { title: "Direct", assignee: team.users.alice.email });
    expect(direct.assignee?.id).toBe(team.users.alice.id);
    const entry = await routedEntry(direct.id);
    expect(entry.after).toMatchObject({ strategy: "direct", chosen: { id: team.users.alice.id }, assigneeId: team.users.alice.id });
    expect(entry.actorId).toBe(team.users.supervisor.id);

    const queued = await createTask(team.as.supervisor, { title: "Queue", routing: { strategy: "group", group: team.group.key } });
    expect(queued).toMatchObject({ assignee: null, candidateGroup: { key: team.group.key } });
    expect((await routedEntry(queued.id)).after).toMatchObject({ strategy: "group", chosen: null, group: { key: team.group.key } });
  });

  it("a failed routing writes nothing (no task, no audit)", async () => {
    const title = `Unroutable ${uid()}`;
    const e = await appError(createTask(team.as.admin, { title, routing: { strategy: "round_robin", group: "no-such-group" } }));
    expect(e.fieldErrors).toEqual([{ path: "routing.group", message: "unknown group" }]);
    expect(await db().task.count({ where: { title } })).toBe(0);
  });
});

describe("out-of-office delegation", () => {
  it("sends an away person's direct work to their delegate and keeps both names", async () => {
    const prisma = db();
    const delegate = await createUser(prisma, { name: `Delegate ${uid()}` });
    const away = await createUser(prisma, { name: `Away ${uid()}` });
    await prisma.user.update({
      where: { id: away.id },
      data: { outOfOfficeFrom: new Date(Date.now() - 3600_000), outOfOfficeUntil: new Date(Date.now() + 86400_000), delegateId: delegate.id },
    });
    const task = await createTask(team.as.supervisor, { title: "While away", assignee: away.id });
    expect(task.assignee?.id).toBe(delegate.id);
    expect(task.delegatedFrom).toEqual({ id: away.id, name: away.name });
    const entry = await routedEntry(task.id);
    expect(entry.after).toMatchObject({
      strategy: "direct",
      chosen: { id: delegate.id },
      delegatedFrom: { id: away.id },
      skipped: [{ id: away.id, why: "out_of_office" }],
    });
    expect(entry.reason).toMatch(/out of office/);

    // Back from holiday: work goes to them again.
    await prisma.user.update({ where: { id: away.id }, data: { outOfOfficeUntil: new Date(Date.now() - 1000) } });
    const later = await createTask(team.as.supervisor, { title: "Back", assignee: away.id });
    expect(later.assignee?.id).toBe(away.id);
    expect(later.delegatedFrom).toBeNull();
  });

  it("skips away members in round-robin and records them", async () => {
    const { group, members } = await freshGroup(3);
    await db().user.update({ where: { id: members[1]!.id }, data: { outOfOfficeFrom: new Date(Date.now() - 1000) } });
    const picks: string[] = [];
    for (let i = 0; i < 4; i++) {
      const t = await createTask(team.as.supervisor, { title: `RR ${i}`, routing: { strategy: "round_robin", group: group.key } });
      picks.push(t.assignee!.id);
    }
    expect(picks).toEqual([members[0]!.id, members[2]!.id, members[0]!.id, members[2]!.id]);
    const t = await db().task.findFirstOrThrow({ where: { candidateGroupId: group.id }, orderBy: { number: "desc" } });
    expect((await routedEntry(t.id)).after).toMatchObject({ skipped: [{ id: members[1]!.id, why: "out_of_office" }] });
  });
});

describe("round_robin", () => {
  it("is fair under concurrency: 30 simultaneous creations give each of 3 members 10", async () => {
    const { group, members } = await freshGroup(3);
    const created = await Promise.all(
      Array.from({ length: 30 }, (_, i) => createTask(team.as.supervisor, { title: `Concurrent ${i}`, routing: { strategy: "round_robin", group: group.key } })),
    );
    const counts = new Map<string, number>();
    for (const t of created) counts.set(t.assignee!.id, (counts.get(t.assignee!.id) ?? 0) + 1);
    expect(Object.fromEntries(counts)).toEqual(Object.fromEntries(members.map((m) => [m.id, 10])));
    const cursor = await db().routingCursor.findUniqueOrThrow({ where: { groupId: group.id } });
    expect(cursor.turns).toBe(30);
  });

  it("never routes a task to its requester", async () => {
    const { group, members } = await freshGroup(2);
    const requester = userActor({ ...members[0]!, role: "SUPERVISOR" });
    for (let i = 0; i < 3; i++) {
      const t = await createTask(requester, { title: `Own ${i}`, routing: { strategy: "round_robin", group: group.key } });
      expect(t.assignee?.id).toBe(members[1]!.id);
    }
  });
});

describe("least_loaded", () => {
  it("picks the member with all required skills and the least priority-weighted open work", async () => {
    const { group, members } = await freshGroup(3, { skills: [["credit"], ["credit", "kyc"], []] });
    const [a, b, noSkill] = members;
    // a: one URGENT (4); b: three NORMAL (3) → b is less loaded although it has more tasks.
    await createTask(team.as.supervisor, { title: "a urgent", assignee: a!.id, priority: "URGENT" });
    for (let i = 0; i < 3; i++) await createTask(team.as.supervisor, { title: `b normal ${i}`, assignee: b!.id });
    const t = await createTask(team.as.supervisor, {
      title: "Credit review",
      requiredSkills: ["credit"],
      routing: { strategy: "least_loaded", group: group.key },
    });
    expect(t.assignee?.id).toBe(b!.id);
    expect(t.requiredSkills).toEqual(["credit"]);
    const entry = await routedEntry(t.id);
    expect(entry.after).toMatchObject({
      strategy: "least_loaded",
      chosen: { id: b!.id },
      requiredSkills: ["credit"],
      skipped: [{ id: noSkill!.id, why: "missing_skills" }],
    });
    const candidates = (entry.after as { candidates: { id: string; load: number }[] }).candidates;
    expect(Object.fromEntries(candidates.map((c) => [c.id, c.load]))).toEqual({ [a!.id]: 4, [b!.id]: 3 });
  });

  it("spreads simultaneous creations instead of piling them on one person", async () => {
    const { group, members } = await freshGroup(2);
    await Promise.all(Array.from({ length: 6 }, (_, i) => createTask(team.as.supervisor, { title: `LL ${i}`, routing: { strategy: "least_loaded", group: group.key } })));
    const counts = await db().task.groupBy({ by: ["assigneeId"], where: { candidateGroupId: group.id }, _count: { _all: true } });
    expect(Object.fromEntries(counts.map((c) => [c.assigneeId, c._count._all]))).toEqual({ [members[0]!.id]: 3, [members[1]!.id]: 3 });
  });

  it("leaves the task in the queue when nobody qualifies, and queue members without the skill cannot claim it", async () => {
    const { group, members } = await freshGroup(2);
    const t = await createTask(team.as.supervisor, { title: "Nobody", requiredSkills: ["kyc"], routing: { strategy: "least_loaded", group: group.key } });
    expect(t.assignee).toBeNull();
    expect((await routedEntry(t.id)).reason).toMatch(/No available member/);
    const e = await appError(claimTask(userActor(members[0]!), t.id));
    expect(e.code).toBe("FORBIDDEN");
    expect(e.message).toMatch(/kyc/);
    const e2 = await appError(decideTask(userActor(members[0]!), t.id, { outcome: "approve" }));
    expect(e2.code).toBe("FORBIDDEN");
  });
});

describe("conditions", () => {
  const rules = (lead: string, clerks: string) => [
    { when: [{ var: "vendor.isNew", op: "eq" as const, value: true }], then: { group: clerks, strategy: "group" as const } },
    { when: [{ var: "amount", op: "gt" as const, value: 10000 }], then: { assignee: lead } },
    { when: [{ var: "amount", op: "lte" as const, value: 10000 }], then: { group: clerks, strategy: "round_robin" as const } },
  ];

  it("routes by the first matching rule and records which rule fired and its inputs", async () => {
    const lead = team.users.supervisor.email;
    const big = await createTask(team.as.admin, { title: "Big", context: { amount: 25000, vendor: { isNew: false } }, routing: { strategy: "conditions", rules: rules(lead, team.group.key) } });
    expect(big.assignee?.id).toBe(team.users.supervisor.id);
    expect((await routedEntry(big.id)).after).toMatchObject({ strategy: "direct", conditions: { matchedRule: 1, inputs: { amount: 25000, "vendor.isNew": false } } });

    const small = await createTask(team.as.admin, { title: "Small", context: { amount: 300, vendor: { isNew: false } }, routing: { strategy: "conditions", rules: rules(lead, team.group.key) } });
    expect([team.users.alice.id, team.users.bob.id, team.users.carol.id]).toContain(small.assignee?.id);
    expect((await routedEntry(small.id)).after).toMatchObject({ strategy: "round_robin", conditions: { matchedRule: 2 } });

    const newVendor = await createTask(team.as.admin, { title: "New vendor", context: { amount: 25000, vendor: { isNew: true } }, routing: { strategy: "conditions", rules: rules(lead, team.group.key) } });
    expect(newVendor).toMatchObject({ assignee: null, candidateGroup: { key: team.group.key } });
  });

  it("falls back to `otherwise`, and refuses when nothing matches and there is no fallback", async () => {
    const only = [{ when: [{ var: "amount", op: "gt" as const, value: 1_000_000 }], then: { assignee: team.users.supervisor.id } }];
    const t = await createTask(team.as.admin, { title: "Fallback", context: { amount: 5 }, routing: { strategy: "conditions", rules: only, otherwise: { group: team.group.key } } });
    expect(t.candidateGroup?.key).toBe(team.group.key);
    expect((await routedEntry(t.id)).after).toMatchObject({ conditions: { matchedRule: null } });
    const e = await appError(createTask(team.as.admin, { title: "Nowhere", context: { amount: 5 }, routing: { strategy: "conditions", rules: only } }));
    expect(e.code).toBe("VALIDATION_FAILED");
    expect(e.fieldErrors?.[0]?.path).toBe("routing.otherwise");
  });
});
