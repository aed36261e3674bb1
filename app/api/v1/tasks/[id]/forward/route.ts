import { forwardTask } from "@/lib/tasks";
import { forwardTaskSchema } from "@/lib/tasks/schemas";
import { taskCommand } from "../task-command";

export const POST = taskCommand(
  {
    operationId: "forwardTask",
    summary: "Forward your task to a colleague who may take it (can see it, may decide, has its skills, not barred by separation of duties), with a reason. Audited task.forwarded",
    permission: "tasks:decide",
    body: { schema: forwardTaskSchema },
  },
  forwardTask,
);
