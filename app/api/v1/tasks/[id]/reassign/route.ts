import { reassignTask } from "@/lib/tasks";
import { reassignTaskSchema } from "@/lib/tasks/schemas";
import { taskCommand } from "../task-command";

export const POST = taskCommand(
  {
    operationId: "reassignTask",
    summary: "Reassign to a person or a group queue, with a reason (tasks:assign; supervisors for their teams only)",
    permission: "tasks:assign",
    body: { schema: reassignTaskSchema },
  },
  reassignTask,
);
