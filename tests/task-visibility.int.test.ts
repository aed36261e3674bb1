// Who may see a task is written twice: canView (a task in hand) and visibilitySql (a list). This
// table of tasks and viewers holds the two together: for every viewer, the tasks the SQL selects
// are exactly those canView allows.
import { beforeAll, describe, expect, it } from "vitest";
import { query, sql } from "@/lib/db";
import type { Actor } from "@/lib/identity/actor";
import { scopeOf } from "@/lib/identity/scope";
import { canView, visibilitySql } from "@/lib/tasks/access";
import { findTasksPage } from "@/lib/tasks/repository";
import { createGroup, createUser, userActor } from "@/prisma/factories";
import { db, makeTeam, uid, type Team } from "./helpers";

let team: Team;
let tasks: Record<string, string>;
let viewers: Record<string, Actor>;

beforeAll(async () => {
  team = await makeTeam();
  const prisma = db();
  const { alice, bob, supervisor } = team.users;
  // Dana reports to the supervisor without being in the supervised group; Erin is in another group.
  const dana = await createUser(prisma, { name: "Dana", supervisorId: supervisor.id });
  const erin = await createUser(prisma, { name: "Erin" });
  const other = await createGroup(prisma, { memberIds: [erin.id] });
  const make = async (name: string, data: Record<string, unknown>) => {
    const t = await prisma.task.create({ data: { title: `${name} ${uid()}`, ...data } });
    return [name, t.id] as const;
  };
  tasks = Object.fromEntries(
    await Promise.all([
      make("assigned to alice", { assigneeId: alice.id, candidateGroupId: other.id }),
      make("requested by alice", { requestedById: alice.id, candidateGroupId: other.id }),
      make("decided by alice", { decidedById: alice.id, status: "DECIDED", outcome: "approve", candidateGroupId: other.id }),
      make("asked of alice", { infoRequestedOfId: alice.id, status: "INFO_REQUESTED", candidateGroupId: other.id }),
      make("alice mentioned", { participantIds: [alice.id], candidateGroupId: other.id }),
      make("created by alice", { createdByActor: `user:${alice.id}`, candidateGroupId: other.id }),
      make("in alice's queue", { candidateGroupId: team.group.id }),
      make("held by bob in the team's group", { assigneeId: bob.id, candidateGroupId: team.group.id }),
      make("held by dana elsewhere", { assigneeId: dana.id, candidateGroupId: other.id }),
      make("nobody's", { candidateGroupId: other.id }),
    ]),
  );
  viewers = {
    alice: team.as.alice,
    bob: team.as.bob,
    outsider: team.as.outsider,
    supervisor: team.as.supervisor,
    dana: userActor(dana),
    erin: userActor(erin),
    admin: team.as.admin,
    auditor: team.as.auditor,
    token: { ...team.as.alice, type: "TOKEN", id: "tok", name: "token:it", role: "MEMBER" },
  };
});

async function visibleBySql(actor: Actor): Promise<string[]> {
  const where = visibilitySql(actor, await scopeOf(actor));
  const rows = await query<{ id: string }>(sql`SELECT t."id" FROM "Task" t WHERE t."id" = ANY(${Object.values(tasks)}::text[]) ${where ? sql`AND ${where}` : sql``}`);
  return rows.map((r) => r.id).sort();
}

async function visibleByCanView(actor: Actor): Promise<string[]> {
  const scope = await scopeOf(actor);
  const ids = sql`SELECT u."id" FROM unnest(${Object.values(tasks)}::text[]) AS u("id")`;
  return (await findTasksPage(ids, sql`t."id"`)).filter((t) => canView(actor, scope, t)).map((t) => t.id).sort();
}

const named = (ids: string[]) => Object.entries(tasks).filter(([, id]) => ids.includes(id)).map(([name]) => name).sort();

describe("canView and visibilitySql agree", () => {
  for (const who of ["alice", "bob", "outsider", "supervisor", "dana", "erin", "admin", "auditor", "token"]) {
    it(`for ${who}`, async () => {
      const actor = viewers[who]!;
      expect(named(await visibleBySql(actor))).toEqual(named(await visibleByCanView(actor)));
    });
  }

  it("and say what the rules say", async () => {
    expect(named(await visibleByCanView(viewers.alice!))).toEqual(
      ["alice mentioned", "asked of alice", "assigned to alice", "created by alice", "decided by alice", "held by bob in the team's group", "in alice's queue", "requested by alice"].sort(),
    );
    expect(named(await visibleByCanView(viewers.outsider!))).toEqual([]);
    // The team (the supervised group's members and direct reports): the group's tasks, and what they hold anywhere.
    expect(named(await visibleByCanView(viewers.supervisor!))).toEqual(["assigned to alice", "held by bob in the team's group", "held by dana elsewhere", "in alice's queue"].sort());
    expect(named(await visibleByCanView(viewers.erin!))).toHaveLength(Object.keys(tasks).length - 2);
    expect(await visibleByCanView(viewers.admin!)).toHaveLength(Object.keys(tasks).length);
  });
});
