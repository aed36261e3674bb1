import { requestInfo } from "@/lib/tasks";
import { requestInfoSchema } from "@/lib/tasks/schemas";
import { taskCommand } from "../task-command";

export const POST = taskCommand(
  {
    operationId: "requestInfo",
    summary: "Request more information: ask the requester (or askTo) a question; the task waits in INFO_REQUESTED",
    body: { schema: requestInfoSchema },
  },
  requestInfo,
);
