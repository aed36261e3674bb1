import type { TaskDto } from "@/lib/tasks/schemas";

/**
 * My own open task (assigned to me or claimed) that I may decide: I may forward it to a colleague
 * (the detail's button, the inbox's f key and command). The server checks who may receive it.
 */
export function canForward(task: Pick<TaskDto, "status" | "can" | "assignee">, meId: string | null | undefined): boolean {
  return task.status === "OPEN" && task.can.decide && !!meId && task.assignee?.id === meId;
}
