import type { NotificationDto } from "@/lib/notifications/schemas";

/** One line of the bell: a single notification, or several about one task or one burst. */
export interface NotificationGroup {
  key: string;
  /** The newest of the group: its title, time and link stand for the group. */
  head: NotificationDto;
  items: NotificationDto[];
  unread: number;
  /** "New in your group's queue" arrivals close together: "12 new tasks in your queue". */
  burst: boolean;
}

/** Arrivals in a queue less than this apart are one burst. */
const BURST_GAP_MS = 15 * 60_000;

/**
 * Groups the bell's notifications (newest first): everything about one task on one line, and a
 * run of queue arrivals (three or more, each within 15 minutes of the next) on one line.
 */
export function groupNotifications(list: NotificationDto[]): NotificationGroup[] {
  const byTask = new Map<string, NotificationDto[]>();
  const order: string[] = [];
  for (const n of list) {
    const key = n.taskId ? `task:${n.taskId}` : `n:${n.id}`;
    if (!byTask.has(key)) {
      byTask.set(key, []);
      order.push(key);
    }
    byTask.get(key)!.push(n);
  }
  const single = (key: string): NotificationGroup => {
    const items = byTask.get(key)!;
    return { key, head: items[0]!, items, unread: items.filter((n) => !n.readAt).length, burst: false };
  };
  const out: NotificationGroup[] = [];
  let run: NotificationGroup[] = [];
  const flush = () => {
    if (run.length >= 3) {
      const items = run.flatMap((g) => g.items);
      out.push({ key: `burst:${run[0]!.key}`, head: run[0]!.head, items, unread: items.filter((n) => !n.readAt).length, burst: true });
    } else out.push(...run);
    run = [];
  };
  for (const key of order) {
    const g = single(key);
    const queued = g.items.length === 1 && g.head.kind === "task.queued";
    const prev = run[run.length - 1];
    if (queued && (!prev || new Date(prev.head.createdAt).getTime() - new Date(g.head.createdAt).getTime() <= BURST_GAP_MS)) {
      run.push(g);
      continue;
    }
    flush();
    if (queued) run.push(g);
    else out.push(g);
  }
  flush();
  return out;
}
