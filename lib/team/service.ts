import { TZDate } from "@date-fns/tz";
import { endOfDay } from "date-fns";
import { db, sql, transaction, type Prisma, type Tx } from "../db";
import { AppError, parse } from "../errors";
import { requirePermission, type Actor } from "../identity/actor";
import { taskReference } from "../references";
import { isOutOfOffice, weightedLoad } from "../routing/select";
import { clearOutOfOfficeSchema, outOfOfficeSchema, teamQuerySchema, type OutOfOfficeDto, type TeamTask, type TeamView } from "./schemas";

// The supervisor console (docs: README "Supervisor console"). A supervisor's team is every member
// of the groups they supervise plus the people who report to them; an admin sees every team (or
// one supervisor's with ?supervisor=). The escalated queue is the team's open work that an
// escalation moved (lib/sla sets escalatedAt), including what was escalated to the supervisor. Moving work reuses lib/tasks/reassign.ts (reassign, bulk),
// so the same rules, audit entries, notifications and live events apply.

const OPEN_STATUSES = ["OPEN", "INFO_REQUESTED"] as const;
const TASKS_PER_LIST = 50;

interface TeamScope {
  supervisor: { id: string; name: string } | null;
  groupIds: string[];
  memberIds: string[];
}

function isAdmin(actor: Actor): boolean {
  return actor.role === "ADMIN";
}

/** Whose team the actor may manage. Supervisors: their own; admins: everyone's, or one supervisor's. */
async function teamScopeOf(actor: Actor, supervisorRef?: string): Promise<TeamScope> {
  requirePermission(actor, "team:manage");
  let supervisor: { id: string; name: string } | null = null;
  if (!isAdmin(actor)) {
    if (actor.type !== "USER" || !actor.id) throw new AppError("FORBIDDEN", "Only supervisors and admins manage teams.");
    supervisor = { id: actor.id, name: actor.name };
  } else if (supervisorRef) {
    const s = await db().user.findFirst({ where: { OR: [{ id: supervisorRef }, { email: supervisorRef.toLowerCase() }] }, select: { id: true, name: true } });
    if (!s) throw new AppError("VALIDATION_FAILED", `No user "${supervisorRef}"`, { fieldErrors: [{ path: "supervisor", message: "unknown user" }] });
    supervisor = s;
  }
  if (!supervisor) {
    const [groups, people] = await Promise.all([
      db().group.findMany({ select: { id: true } }),
      db().user.findMany({ where: { active: true, OR: [{ memberships: { some: {} } }, { supervisorId: { not: null } }] }, select: { id: true } }),
    ]);
    return { supervisor: null, groupIds: groups.map((g) => g.id), memberIds: people.map((p) => p.id) };
  }
  const [groups, reports] = await Promise.all([
    db().group.findMany({ where: { supervisorId: supervisor.id }, select: { id: true, members: { select: { userId: true } } } }),
    db().user.findMany({ where: { supervisorId: supervisor.id, active: true }, select: { id: true } }),
  ]);
  const memberIds = new Set<string>([...groups.flatMap((g) => g.members.map((m) => m.userId)), ...reports.map((r) => r.id)]);
  // The supervisor is the one looking: their own row would only repeat their inbox.
  memberIds.delete(supervisor.id);
  return { supervisor, groupIds: groups.map((g) => g.id), memberIds: [...memberIds] };
}

const taskSelect = {
  id: true,
  number: true,
  title: true,
  status: true,
  priority: true,
  dueAt: true,
  version: true,
  escalationLevel: true,
  escalatedAt: true,
  assigneeId: true,
  assignee: { select: { id: true, name: true } },
  candidateGroup: { select: { id: true, key: true, name: true } },
  requestedBy: { select: { id: true, name: true } },
  context: true,
} satisfies Prisma.TaskSelect;
type TaskPick = Prisma.TaskGetPayload<{ select: typeof taskSelect }>;

function toTeamTask(t: TaskPick): TeamTask {
  return {
    id: t.id,
    reference: taskReference(t.number),
    title: t.title,
    status: t.status,
    priority: t.priority,
    dueAt: t.dueAt?.toISOString() ?? null,
    assignee: t.assignee,
    candidateGroup: t.candidateGroup,
    requestedBy: t.requestedBy,
    version: t.version,
    escalationLevel: t.escalationLevel,
    escalatedAt: t.escalatedAt?.toISOString() ?? null,
    context: headlineContext(t.context),
  };
}

/** The context's plain values only (vendor, amount, currency…): what a row shows, not nested documents. */
function headlineContext(context: Prisma.JsonValue): Record<string, string | number> {
  if (!context || typeof context !== "object" || Array.isArray(context)) return {};
  return Object.fromEntries(Object.entries(context).filter((e): e is [string, string | number] => (typeof e[1] === "string" && e[1].length <= 200) || typeof e[1] === "number"));
}

/** Due time first (overdue at the top), undated last, then the most urgent. */
const byDue: Prisma.TaskOrderByWithRelationInput[] = [{ dueAt: { sort: "asc", nulls: "last" } }, { priority: "desc" }, { number: "asc" }];

function outOfOfficeView(u: { outOfOfficeFrom: Date | null; outOfOfficeUntil: Date | null }, now: Date) {
  if (!u.outOfOfficeFrom && !u.outOfOfficeUntil) return null;
  if (u.outOfOfficeUntil && u.outOfOfficeUntil <= now) return null;
  return { from: u.outOfOfficeFrom?.toISOString() ?? null, until: u.outOfOfficeUntil?.toISOString() ?? null, activeNow: isOutOfOffice(u, now) };
}

/** The end of "today" in a time zone (a bad zone falls back to UTC). */
export function endOfToday(now: Date, timeZone: string): Date {
  try {
    return new Date(endOfDay(new TZDate(now.getTime(), timeZone)).getTime());
  } catch {
    return new Date(endOfDay(new TZDate(now.getTime(), "UTC")).getTime());
  }
}

export async function getTeamView(actor: Actor, rawQuery: unknown = {}, now = new Date()): Promise<TeamView> {
  const q = parse(teamQuerySchema, rawQuery, "Query");
  const scope = await teamScopeOf(actor, q.supervisor);
  const viewer = actor.type === "USER" && actor.id ? await db().user.findUnique({ where: { id: actor.id }, select: { timeZone: true } }) : null;
  const timeZone = viewer?.timeZone ?? "UTC";
  const todayEnds = endOfToday(now, timeZone);

  const escalatedWhere: Prisma.TaskWhereInput = {
    status: { in: [...OPEN_STATUSES] },
    escalatedAt: { not: null },
    ...(scope.supervisor
      ? { OR: [{ assigneeId: { in: [...scope.memberIds, scope.supervisor.id] } }, { candidateGroupId: { in: scope.groupIds } }] }
      : {}),
  };
  const [people, memberTasks, queueTasks, groups, escalated, escalatedCount] = await Promise.all([
    db().user.findMany({
      where: { id: { in: scope.memberIds } },
      orderBy: { name: "asc" },
      select: {
        id: true,
        name: true,
        email: true,
        role: true,
        outOfOfficeFrom: true,
        outOfOfficeUntil: true,
        delegate: { select: { id: true, name: true, email: true } },
        memberships: { select: { group: { select: { id: true, key: true, name: true } } } },
      },
    }),
    db().task.findMany({ where: { assigneeId: { in: scope.memberIds }, status: { in: [...OPEN_STATUSES] } }, orderBy: byDue, select: taskSelect }),
    db().task.findMany({ where: { candidateGroupId: { in: scope.groupIds }, assigneeId: null, status: "OPEN" }, orderBy: byDue, select: { ...taskSelect, candidateGroupId: true } }),
    db().group.findMany({ where: { id: { in: scope.groupIds } }, orderBy: { name: "asc" }, select: { id: true, key: true, name: true, supervisor: { select: { id: true, name: true } } } }),
    db().task.findMany({ where: escalatedWhere, orderBy: [{ escalatedAt: "desc" }, { number: "asc" }], take: TASKS_PER_LIST, select: taskSelect }),
    db().task.count({ where: escalatedWhere }),
  ]);

  const isOverdue = (t: { dueAt: Date | null }) => t.dueAt !== null && t.dueAt < now;
  const isDueToday = (t: { dueAt: Date | null }) => t.dueAt !== null && t.dueAt >= now && t.dueAt <= todayEnds;
  const teamGroupIds = new Set(scope.groupIds);

  const tasksBy = new Map<string, TaskPick[]>();
  for (const t of memberTasks) tasksBy.set(t.assigneeId!, [...(tasksBy.get(t.assigneeId!) ?? []), t]);
  const members = people.map((p) => {
    const tasks = tasksBy.get(p.id) ?? [];
    const byPriority: Partial<Record<TaskPick["priority"], number>> = {};
    for (const t of tasks) byPriority[t.priority] = (byPriority[t.priority] ?? 0) + 1;
    return {
      id: p.id,
      name: p.name,
      email: p.email,
      role: p.role,
      groups: p.memberships.map((m) => m.group).filter((g) => scope.supervisor === null || teamGroupIds.has(g.id)),
      outOfOffice: outOfOfficeView(p, now),
      delegate: p.delegate,
      counts: { open: tasks.length, overdue: tasks.filter(isOverdue).length, dueToday: tasks.filter(isDueToday).length },
      load: weightedLoad(byPriority),
      tasks: tasks.slice(0, TASKS_PER_LIST).map(toTeamTask),
    };
  });

  const queues = groups.map((g) => {
    const tasks = queueTasks.filter((t) => t.candidateGroupId === g.id);
    return {
      group: { id: g.id, key: g.key, name: g.name },
      supervisor: g.supervisor,
      counts: { unassigned: tasks.length, overdue: tasks.filter(isOverdue).length, dueToday: tasks.filter(isDueToday).length },
      tasks: tasks.slice(0, TASKS_PER_LIST).map(toTeamTask),
    };
  });

  return {
    supervisor: scope.supervisor,
    timeZone,
    todayEndsAt: todayEnds.toISOString(),
    totals: {
      open: memberTasks.length + queueTasks.length,
      overdue: memberTasks.filter(isOverdue).length + queueTasks.filter(isOverdue).length,
      dueToday: memberTasks.filter(isDueToday).length + queueTasks.filter(isDueToday).length,
      escalated: escalatedCount,
      unassigned: queueTasks.length,
    },
    members,
    escalated: escalated.map(toTeamTask),
    queues,
  };
}

// ── Out of office ──────────────────────────────────────────────────────────────────────────────

async function resolvePerson(ref: string) {
  return db().user.findFirst({ where: { OR: [{ id: ref }, { email: ref.toLowerCase() }] }, select: { id: true, name: true, email: true, active: true } });
}

/** The member, if the actor may manage them (else 403; 404 when there is no such person). */
async function manageableMember(actor: Actor, userId: string) {
  const scope = await teamScopeOf(actor);
  const member = await db().user.findUnique({
    where: { id: userId },
    select: { id: true, name: true, active: true, outOfOfficeFrom: true, outOfOfficeUntil: true, delegateId: true, delegate: { select: { id: true, name: true, email: true } } },
  });
  if (!member) throw new AppError("NOT_FOUND", "No such person.");
  if (scope.supervisor && !scope.memberIds.includes(member.id)) throw new AppError("FORBIDDEN", `${member.name} is not in a team you supervise.`);
  return { member, scope };
}

export function toOutOfOfficeDto(
  u: { id: string; name: string; outOfOfficeFrom: Date | null; outOfOfficeUntil: Date | null; delegate: { id: string; name: string; email: string } | null },
  now = new Date(),
): OutOfOfficeDto {
  return { userId: u.id, name: u.name, outOfOffice: outOfOfficeView(u, now), delegate: u.delegate };
}

const oooAudit = (u: { outOfOfficeFrom: Date | null; outOfOfficeUntil: Date | null; delegateId: string | null }, delegateName: string | null) => ({
  outOfOfficeFrom: u.outOfOfficeFrom?.toISOString() ?? null,
  outOfOfficeUntil: u.outOfOfficeUntil?.toISOString() ?? null,
  delegateId: u.delegateId,
  delegateName,
});

/**
 * Sets a member's out-of-office window and delegate. While away, routing skips them and their
 * direct work goes to the delegate (lib/routing). Audited as user.out_of_office_set.
 */
export async function setOutOfOffice(actor: Actor, userId: string, input: unknown): Promise<OutOfOfficeDto> {
  const data = parse(outOfOfficeSchema, input, "Out of office");
  const { member, scope } = await manageableMember(actor, userId);
  let delegate: { id: string; name: string; email: string } | null = null;
  if (data.delegate) {
    const d = await resolvePerson(data.delegate);
    if (!d || !d.active) throw new AppError("VALIDATION_FAILED", `No active user "${data.delegate}"`, { fieldErrors: [{ path: "delegate", message: "unknown user" }] });
    if (d.id === member.id) throw new AppError("VALIDATION_FAILED", "Someone cannot be their own delegate.", { fieldErrors: [{ path: "delegate", message: "choose someone else" }] });
    if (scope.supervisor && d.id !== scope.supervisor.id && !scope.memberIds.includes(d.id)) {
      throw new AppError("FORBIDDEN", `${d.name} is not in a team you supervise.`, { fieldErrors: [{ path: "delegate", message: "not in your team" }] });
    }
    delegate = { id: d.id, name: d.name, email: d.email };
  }
  return saveOutOfOffice(actor, member, { from: new Date(data.from), until: new Date(data.until), reason: data.reason ?? null }, delegate);
}

export type Member = { id: string; name: string; outOfOfficeFrom: Date | null; outOfOfficeUntil: Date | null; delegateId: string | null; delegate: { id: string; name: string; email: string } | null };

/**
 * Writes an out-of-office window and delegate with its `user.out_of_office_set` entry; `moveWork`
 * runs in the same transaction (moving the person's current work to the delegate) and what it
 * returns is recorded in the entry's `after`.
 */
export async function saveOutOfOffice(
  actor: Actor,
  member: Member,
  window: { from: Date; until: Date; reason: string | null },
  delegate: { id: string; name: string; email: string } | null,
  moveWork?: (tx: Tx) => Promise<Record<string, unknown>>,
): Promise<OutOfOfficeDto> {
  const { from, until } = window;
  const updated = await transaction(async (tx) => {
    await tx.update("User", { outOfOfficeFrom: from, outOfOfficeUntil: until, delegateId: delegate?.id ?? null }, sql`"id" = ${member.id}`);
    const row = { id: member.id, name: member.name, outOfOfficeFrom: from, outOfOfficeUntil: until, delegateId: delegate?.id ?? null, delegate };
    const moved = moveWork ? await moveWork(tx) : {};
    tx.audit(actor, {
      action: "user.out_of_office_set",
      subjectType: "user",
      subjectId: member.id,
      before: oooAudit(member, member.delegate?.name ?? null),
      after: { ...oooAudit(row, delegate?.name ?? null), ...moved },
      reason: window.reason,
    });
    return row;
  }, { batched: !moveWork });
  return toOutOfOfficeDto(updated);
}

/** Ends (or cancels) a member's out-of-office window; the delegate stays for next time. */
export async function clearOutOfOffice(actor: Actor, userId: string, input: unknown = {}): Promise<OutOfOfficeDto> {
  const data = parse(clearOutOfOfficeSchema, input ?? {}, "Request");
  const { member } = await manageableMember(actor, userId);
  return endOutOfOffice(actor, member, data.reason ?? null);
}

/** Ends a window now (`user.out_of_office_cleared`); the delegate stays for next time. */
export async function endOutOfOffice(actor: Actor, member: Member, reason: string | null): Promise<OutOfOfficeDto> {
  if (!member.outOfOfficeFrom && !member.outOfOfficeUntil) {
    throw new AppError("CONFLICT", `${member.name} has no out-of-office window to clear.`);
  }
  const updated = await transaction(async (tx) => {
    await tx.update("User", { outOfOfficeFrom: null, outOfOfficeUntil: null }, sql`"id" = ${member.id}`);
    const row = { ...member, outOfOfficeFrom: null, outOfOfficeUntil: null };
    tx.audit(actor, {
      action: "user.out_of_office_cleared",
      subjectType: "user",
      subjectId: member.id,
      before: oooAudit(member, member.delegate?.name ?? null),
      after: oooAudit(row, row.delegate?.name ?? null),
      reason,
    });
    return row;
  }, { batched: true });
  return toOutOfOfficeDto(updated);
}
