import { cancelTask } from "@/lib/tasks";
import { cancelTaskSchema } from "@/lib/tasks/schemas";
import { taskCommand } from "../task-command";

export const POST = taskCommand({ operationId: "cancelTask", summary: "Cancel an open task", permission: "tasks:assign", body: { schema: cancelTaskSchema } }, cancelTask);
