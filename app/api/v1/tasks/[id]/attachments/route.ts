import { defineRoute } from "@/app/api/_lib/define-route";
import { readUpload } from "@/app/api/_lib/upload";
import { attachToTask, listTaskAttachments } from "@/lib/attachments/service";
import { attachmentDtoSchema, attachmentListSchema, attachmentUploadSchema } from "@/lib/attachments/schemas";
import { ATTACHMENTS_MAX_BYTES_CEILING } from "@/lib/env";
import { json } from "@/lib/http/responses";
import { taskParams } from "@/lib/openapi/components";

export const GET = defineRoute({
  operationId: "listTaskAttachments",
  tags: ["tasks"],
  summary: "The task's files: its own, its comments' and its request's",
  params: taskParams,
  responses: { 200: { schema: attachmentListSchema } },
  errors: [403, 404],
  handler: async ({ actor, params }) => listTaskAttachments(actor, params.id),
});

export const POST = defineRoute({
  operationId: "attachToTask",
  tags: ["tasks"],
  summary: "Attach a file (multipart, part `file`) to the task or one of its comments; the type is sniffed from the bytes, the size limited (ATTACHMENTS_MAX_BYTES)",
  params: taskParams,
  body: { content: { "multipart/form-data": attachmentUploadSchema } },
  // The configured limit (at most the ceiling) is checked by the service; this bounds what is read at all.
  maxBodyBytes: ATTACHMENTS_MAX_BYTES_CEILING + 64 * 1024,
  responses: { 201: { schema: attachmentDtoSchema } },
  errors: [400, 403, 404, 415],
  handler: async ({ actor, params, req }) => {
    const { file, fields } = await readUpload(req);
    return json(await attachToTask(actor, params.id, file, fields.commentId || undefined), { status: 201 });
  },
});
