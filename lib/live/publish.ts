import { redis, redisKey } from "../redis";
import { logger } from "../logger";
import type { Audience, LiveEventType, LiveMessage } from "./events";

/** The pub/sub channel of this installation (under REDIS_PREFIX, so test runs never cross). */
export function liveChannel(): string {
  return redisKey("live", "tasks");
}

export interface TaskLike {
  id: string;
  version: number;
  assigneeId: string | null;
  requestedById: string | null;
  decidedById: string | null;
  candidateGroupId: string | null;
  infoRequestedOfId?: string | null;
  participantIds?: string[];
}

/** Everyone who can see the task, plus people it just left (a released or reassigned task). */
export function taskAudience(task: TaskLike, alsoUserIds: (string | null | undefined)[] = []): Audience {
  const userIds = [task.assigneeId, task.requestedById, task.decidedById, task.infoRequestedOfId, ...(task.participantIds ?? []), ...alsoUserIds];
  return {
    userIds: [...new Set(userIds.filter((u): u is string => !!u))],
    groupIds: task.candidateGroupId ? [task.candidateGroupId] : [],
  };
}

/**
 * Publishes after commit. Fire-and-forget: a lost live event only delays a screen until its
 * next poll, so it must never fail or slow down the request that changed the task.
 */
export function publishLive(message: LiveMessage): void {
  redis()
    .publish(liveChannel(), JSON.stringify(message))
    .catch((err: unknown) => logger.warn({ err: String(err) }, "live event not published"));
}

export function publishTaskEvent(type: LiveEventType, task: TaskLike, alsoUserIds: (string | null | undefined)[] = []): void {
  publishLive({ event: { type, taskId: task.id, version: task.version }, audience: taskAudience(task, alsoUserIds) });
}

export function publishNotificationEvent(userIds: string[], taskId: string | null): void {
  if (userIds.length === 0) return;
  publishLive({ event: { type: "notification.created", taskId, version: null }, audience: { userIds, groupIds: [] } });
}

/** An instance its requester follows under My requests has ended (completed, failed, compensated). */
export function publishRequestEvent(requesterId: string | null | undefined): void {
  if (!requesterId) return;
  publishLive({ event: { type: "request.changed", taskId: null, version: null }, audience: { userIds: [requesterId], groupIds: [] } });
}
