import { z } from "zod";

// Attachments (ADR 040): one DTO for the API, the task page and the OpenAPI document.

export const attachmentOwnerSchema = z.enum(["task", "request", "comment"]);

export const attachmentDtoSchema = z
  .object({
    id: z.string(),
    filename: z.string(),
    contentType: z.string().meta({ description: "Sniffed from the bytes when uploaded" }),
    size: z.number().int(),
    sha256: z.string(),
    /** Where it hangs: the task itself, the request (process instance) the task belongs to, or a comment. */
    owner: attachmentOwnerSchema,
    taskId: z.string().nullable(),
    instanceId: z.string().nullable(),
    commentId: z.string().nullable(),
    uploadedBy: z.string(),
    createdAt: z.iso.datetime(),
    previewable: z.boolean().meta({ description: "A PDF or an image: GET …/content?inline=1 shows it in place" }),
    url: z.string().meta({ description: "Download (each download is authorised and audited)" }),
  })
  .meta({ id: "Attachment" });
export type AttachmentDto = z.infer<typeof attachmentDtoSchema>;

export const attachmentListSchema = z.object({ data: z.array(attachmentDtoSchema) });

/** The multipart form of an upload (documented; the service reads the parts itself). */
export const attachmentUploadSchema = z.object({
  file: z.string().meta({ format: "binary", description: "The file; its name is kept, its type is sniffed from the bytes" }),
  commentId: z.string().optional().meta({ description: "Attach to this comment of the task instead of the task itself" }),
});

export const attachmentContentQuerySchema = z.object({
  inline: z.enum(["1", "0", "true", "false"]).optional().meta({ description: "1: show a PDF or image in place (sandboxed); otherwise a download" }),
});

/** "1.2 MB" */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
