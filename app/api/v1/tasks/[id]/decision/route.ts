import { decideTask } from "@/lib/tasks";
import { decideTaskSchema } from "@/lib/tasks/schemas";
import { taskCommand } from "../task-command";

export const POST = taskCommand(
  {
    operationId: "decideTask",
    summary:
      "Decide: approve, reject (reason required) or a custom outcome the task declares, with its form values. Four-eyes tasks record each approval (409 DUPLICATE_APPROVAL for a second one by the same person) and are decided at the Nth",
    body: { schema: decideTaskSchema },
  },
  decideTask,
);
