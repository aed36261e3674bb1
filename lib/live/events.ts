import { z } from "zod";

// Live updates: the services publish a small event on Redis pub/sub after each commit; the SSE
// route (GET /api/v1/stream) relays the ones a person may see. Browsers only learn *that* a task
// changed (type, id, version) and refetch it through the normal, permission-checked API.
const LIVE_EVENT_TYPES = [
  "task.created",
  "task.claimed",
  "task.unclaimed",
  "task.decided",
  // A decision undone within its undo window: the task is open again.
  "task.decision_undone",
  // Four-eyes: one approval given, more needed (the task goes back to its group queue).
  "task.approval_recorded",
  "task.reassigned",
  "task.cancelled",
  "task.info_requested",
  "task.info_answered",
  "task.commented",
  // An escalation level fired (reminder, new owner, automatic decision or failure).
  "task.escalated",
  "notification.created",
  // A request (an instance someone started) ended: completed, failed or compensated. Its
  // requester's My requests refetches; sent to the requester only (taskId is null).
  "request.changed",
  // Someone opened or closed a task (lib/live/presence.ts): refetch its viewers, nothing else.
  "task.presence",
] as const;
const liveEventTypeSchema = z.enum(LIVE_EVENT_TYPES);
export type LiveEventType = z.infer<typeof liveEventTypeSchema>;

/** What a browser receives. */
export const liveEventSchema = z.object({
  type: liveEventTypeSchema,
  taskId: z.string().nullable(),
  version: z.number().int().nullable(),
});
export type LiveEvent = z.infer<typeof liveEventSchema>;

/** Who may receive an event: people by id and members/supervisors of groups by id. */
const audienceSchema = z.object({ userIds: z.array(z.string()), groupIds: z.array(z.string()) });
export type Audience = z.infer<typeof audienceSchema>;

/** What travels on Redis: the event plus its audience (never sent to browsers). */
export const liveMessageSchema = z.object({ event: liveEventSchema, audience: audienceSchema });
export type LiveMessage = z.infer<typeof liveMessageSchema>;

export interface Viewer {
  /** Machines, admins and auditors see every task. */
  seesEverything: boolean;
  userId: string | null;
  groupIds: readonly string[];
  reportIds: readonly string[];
}

/** The same rule as task visibility: own, asked/mentioned, group queue, or a report's task. */
export function mayReceive(viewer: Viewer, audience: Audience, type: LiveEventType): boolean {
  // Notifications are personal even for admins.
  if (type === "notification.created") return viewer.userId !== null && audience.userIds.includes(viewer.userId);
  if (viewer.seesEverything) return true;
  if (viewer.userId && audience.userIds.includes(viewer.userId)) return true;
  if (audience.groupIds.some((g) => viewer.groupIds.includes(g))) return true;
  return audience.userIds.some((u) => viewer.reportIds.includes(u));
}

/** One SSE frame. */
export function sseFrame(event: LiveEvent): string {
  return `event: task\ndata: ${JSON.stringify(event)}\n\n`;
}
