import { defineRoute } from "@/app/api/_lib/define-route";
import { addComment, listComments } from "@/lib/comments/service";
import { commentDtoSchema, commentListSchema, createCommentSchema } from "@/lib/comments/schemas";
import { json } from "@/lib/http/responses";
import { taskParams } from "@/lib/openapi/components";

export const GET = defineRoute({
  operationId: "listComments",
  tags: ["tasks"],
  summary: "The task's comments, questions and answers, oldest first",
  params: taskParams,
  responses: { 200: { schema: commentListSchema } },
  errors: [403, 404],
  handler: async ({ actor, params }) => listComments(actor, params.id),
});

export const POST = defineRoute({
  operationId: "addComment",
  tags: ["tasks"],
  summary: "Comment on a task; @e-mail mentions (or `mentions: [...]`) notify those people",
  params: taskParams,
  body: { schema: createCommentSchema },
  responses: { 201: { schema: commentDtoSchema } },
  errors: [403, 404],
  handler: async ({ actor, params, body }) => json(await addComment(actor, params.id, body), { status: 201 }),
});
