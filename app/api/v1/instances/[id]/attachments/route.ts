import { defineRoute } from "@/app/api/_lib/define-route";
import { readUpload } from "@/app/api/_lib/upload";
import { attachToInstance, listInstanceAttachments } from "@/lib/attachments/service";
import { attachmentDtoSchema, attachmentListSchema, attachmentUploadSchema } from "@/lib/attachments/schemas";
import { ATTACHMENTS_MAX_BYTES_CEILING } from "@/lib/env";
import { json } from "@/lib/http/responses";
import { instanceParams } from "@/lib/openapi/components";

export const GET = defineRoute({
  operationId: "listInstanceAttachments",
  tags: ["processes"],
  summary: "The request's (instance's) own files, shown on each of its tasks",
  params: instanceParams,
  responses: { 200: { schema: attachmentListSchema } },
  errors: [403, 404],
  handler: async ({ actor, params }) => listInstanceAttachments(actor, params.id),
});

export const POST = defineRoute({
  operationId: "attachToInstance",
  tags: ["processes"],
  summary: "Attach a file (multipart, part `file`) to a request: the case's source document",
  params: instanceParams,
  body: { content: { "multipart/form-data": attachmentUploadSchema } },
  maxBodyBytes: ATTACHMENTS_MAX_BYTES_CEILING + 64 * 1024,
  responses: { 201: { schema: attachmentDtoSchema } },
  errors: [400, 403, 404, 415],
  handler: async ({ actor, params, req }) => {
    const { file } = await readUpload(req);
    return json(await attachToInstance(actor, params.id, file), { status: 201 });
  },
});
