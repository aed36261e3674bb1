import { answerInfoRequest } from "@/lib/tasks";
import { answerInfoSchema } from "@/lib/tasks/schemas";
import { taskCommand } from "../task-command";

export const POST = taskCommand(
  {
    operationId: "answerInfoRequest",
    summary: "Answer the open question (the person asked, an admin or a token); the task returns to OPEN with the same assignee",
    body: { schema: answerInfoSchema },
  },
  answerInfoRequest,
);
