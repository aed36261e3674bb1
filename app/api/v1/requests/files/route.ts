import { z } from "zod";
import { defineRoute } from "@/app/api/_lib/define-route";
import { readUpload } from "@/app/api/_lib/upload";
import { uploadRequestFile } from "@/lib/attachments/service";
import { attachmentDtoSchema } from "@/lib/attachments/schemas";
import { ATTACHMENTS_MAX_BYTES_CEILING } from "@/lib/env";
import { json } from "@/lib/http/responses";

// A file for a start form's `file` field, uploaded while the request is being filled in (ADR 052).
export const POST = defineRoute({
  operationId: "uploadRequestFile",
  tags: ["requests"],
  summary:
    "Upload a file for a request you are filling in (multipart, part `file`): its id goes into the start form's file answer, and filing the request makes it the request's. Only you can read it until then; one never filed is deleted after a day. Type sniffed from the bytes, size limited (ATTACHMENTS_MAX_BYTES); audited attachment.added",
  body: { content: { "multipart/form-data": z.object({ file: z.string().meta({ format: "binary", description: "The file; its name is kept, its type is sniffed from the bytes" }) }) } },
  maxBodyBytes: ATTACHMENTS_MAX_BYTES_CEILING + 64 * 1024,
  responses: { 201: { schema: attachmentDtoSchema } },
  errors: [400, 403, 415],
  handler: async ({ actor, req }) => json(await uploadRequestFile(actor, async () => (await readUpload(req)).file), { status: 201 }),
});
