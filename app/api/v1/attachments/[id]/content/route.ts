import { z } from "zod";
import { defineRoute } from "@/app/api/_lib/define-route";
import { attachmentHeaders } from "@/lib/attachments/headers";
import { attachmentContentQuerySchema } from "@/lib/attachments/schemas";
import { readAttachment } from "@/lib/attachments/service";

export const GET = defineRoute({
  operationId: "getAttachmentContent",
  tags: ["tasks"],
  summary: "A file's content: `inline=1` previews a PDF or image in place (sandboxed); otherwise a download. Audited.",
  params: z.object({ id: z.string().meta({ description: "Attachment id" }) }),
  query: attachmentContentQuerySchema,
  responses: { 200: { description: "The file, as the type sniffed at upload", content: { "application/octet-stream": z.string().meta({ format: "binary" }) } } },
  errors: [403, 404],
  handler: async ({ actor, params, query }) => {
    const content = await readAttachment(actor, params.id, query.inline === "1" || query.inline === "true");
    return new Response(Buffer.from(content.bytes), { status: 200, headers: attachmentHeaders(content) });
  },
});
