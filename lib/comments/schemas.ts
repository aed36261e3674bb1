import { z } from "zod";

// Comments on a task: remarks with @mentions, questions (request more information) and answers.
// One schema per shape, shared by the REST handlers, the comment form and the DTOs.
const COMMENT_KINDS = ["comment", "question", "answer"] as const;
const commentKindSchema = z.enum(COMMENT_KINDS);
export type CommentKind = z.infer<typeof commentKindSchema>;

export const createCommentSchema = z
  .object({
    body: z.string().trim().min(1, "Write a comment").max(4000),
    /** Extra people to mention (user ids or e-mails), besides any @e-mail in the body. */
    mentions: z.array(z.string().trim().min(1).max(254)).max(20).optional(),
  })
  .strict();

const personSchema = z.object({ id: z.string(), name: z.string() });

export const commentDtoSchema = z.object({
  id: z.string(),
  taskId: z.string(),
  kind: commentKindSchema,
  body: z.string(),
  /** The person who wrote it, or null for an API token or worker (see authorName). */
  author: personSchema.nullable(),
  authorName: z.string(),
  /** People mentioned; for a question, the person asked. */
  mentions: z.array(personSchema),
  createdAt: z.string(),
});
export type CommentDto = z.infer<typeof commentDtoSchema>;

export const commentListSchema = z.object({ data: z.array(commentDtoSchema) });

