import { claimTask } from "@/lib/tasks";
import { claimTaskSchema } from "@/lib/tasks/schemas";
import { taskCommand } from "../task-command";

export const POST = taskCommand({ operationId: "claimTask", summary: "Claim a group task", body: { schema: claimTaskSchema, required: false } }, claimTask);
