import type { Actor } from "../identity/actor";
import { escalationHistory } from "../sla/service";
import type { TaskEscalationsDto } from "../sla/schemas";
import { getTask } from "./actions";

/** GET /tasks/{id}/escalations: the SLA state and every fired level, for anyone who may see the task. */
export async function getTaskEscalations(actor: Actor, taskId: string): Promise<TaskEscalationsDto> {
  const task = await getTask(actor, taskId);
  return { sla: task.sla, dueAt: task.dueAt, data: await escalationHistory(task.id) };
}
