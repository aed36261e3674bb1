import { unclaimTask } from "@/lib/tasks";
import { claimTaskSchema } from "@/lib/tasks/schemas";
import { taskCommand } from "../task-command";

export const POST = taskCommand(
  { operationId: "unclaimTask", summary: "Release a claimed task to its queue", body: { schema: claimTaskSchema, required: false } },
  unclaimTask,
);
