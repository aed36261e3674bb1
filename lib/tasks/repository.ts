import { db, type Prisma, type Tx } from "../db";
import type { TaskStatus } from "./schemas";

export const taskInclude = {
  assignee: { select: { id: true, name: true } },
  candidateGroup: { select: { id: true, key: true, name: true } },
  requestedBy: { select: { id: true, name: true } },
  decidedBy: { select: { id: true, name: true } },
  infoRequestedOf: { select: { id: true, name: true } },
  infoRequestedBy: { select: { id: true, name: true } },
  delegatedFrom: { select: { id: true, name: true } },
  approvals: { select: { approverId: true, approverName: true, outcome: true, reason: true, createdAt: true }, orderBy: { createdAt: "asc" } },
} satisfies Prisma.TaskInclude;

export type TaskRow = Prisma.TaskGetPayload<{ include: typeof taskInclude }>;

export function findTask(id: string, client: Tx | ReturnType<typeof db> = db()) {
  return client.task.findUnique({ where: { id }, include: taskInclude });
}

export function findTasks(args: { where: Prisma.TaskWhereInput; orderBy: Prisma.TaskOrderByWithRelationInput[]; take: number }) {
  return db().task.findMany({ ...args, include: taskInclude });
}

/**
 * The guarded state change: applies `data` only if the task is still in one of `statuses` at
 * `version` (and, when given, still has `assigneeId`). Returns false if someone got there first.
 */
export async function updateTaskIf(
  tx: Tx,
  guard: { id: string; version: number; statuses: readonly TaskStatus[]; assigneeId?: string | null },
  data: Prisma.TaskUpdateManyMutationInput & {
    assigneeId?: string | null;
    decidedById?: string | null;
    infoRequestedOfId?: string | null;
    infoRequestedById?: string | null;
    candidateGroupId?: string | null;
    delegatedFromId?: string | null;
  },
): Promise<boolean> {
  const where: Prisma.TaskWhereInput = { id: guard.id, version: guard.version, status: { in: [...guard.statuses] } };
  if (guard.assigneeId !== undefined) where.assigneeId = guard.assigneeId;
  const result = await tx.task.updateMany({ where, data: { ...data, version: { increment: 1 } } });
  return result.count === 1;
}

export async function resolveUserRef(tx: Tx, ref: string) {
  return tx.user.findFirst({ where: ref.includes("@") ? { email: ref.toLowerCase() } : { id: ref }, select: { id: true, name: true, active: true } });
}

export function resolveGroupKey(tx: Tx, key: string) {
  return tx.group.findUnique({ where: { key }, select: { id: true, key: true, name: true } });
}

export function isGroupMember(tx: Tx | ReturnType<typeof db>, userId: string, groupId: string) {
  return tx.groupMembership.findUnique({ where: { userId_groupId: { userId, groupId } } }).then(Boolean);
}
