import { query, sql, type Sql } from "../db";
import { PREVIEWABLE } from "./sniff";
import type { AttachmentDto } from "./schemas";

export interface AttachmentRow {
  id: string;
  taskId: string | null;
  instanceId: string | null;
  commentId: string | null;
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  store: "postgres" | "s3";
  storageKey: string | null;
  uploadedByName: string;
  createdAt: Date;
}

const COLUMNS = sql`"id", "taskId", "instanceId", "commentId", "filename", "contentType", "size", "sha256", "store", "storageKey", "uploadedByName", "createdAt"`;

export function toAttachmentDto(r: AttachmentRow): AttachmentDto {
  return {
    id: r.id,
    filename: r.filename,
    contentType: r.contentType,
    size: r.size,
    sha256: r.sha256,
    owner: r.commentId ? "comment" : r.taskId ? "task" : "request",
    taskId: r.taskId,
    instanceId: r.instanceId,
    commentId: r.commentId,
    uploadedBy: r.uploadedByName,
    createdAt: r.createdAt.toISOString(),
    previewable: PREVIEWABLE.has(r.contentType),
    url: `/api/v1/attachments/${r.id}/content`,
  };
}

async function findWhere(where: Sql): Promise<AttachmentDto[]> {
  const rows = await query<AttachmentRow>(sql`SELECT ${COLUMNS} FROM "Attachment" WHERE ${where} ORDER BY "createdAt", "id" LIMIT 500`);
  return rows.map(toAttachmentDto);
}

/** A task's files: its own, its comments', and its request's (the case's source documents). */
export function findTaskAttachments(taskId: string, instanceId: string | null): Promise<AttachmentDto[]> {
  return findWhere(instanceId ? sql`("taskId" = ${taskId} OR ("instanceId" = ${instanceId} AND "taskId" IS NULL))` : sql`"taskId" = ${taskId}`);
}

export function findInstanceAttachments(instanceId: string): Promise<AttachmentDto[]> {
  return findWhere(sql`"instanceId" = ${instanceId} AND "taskId" IS NULL`);
}

export async function findAttachment(id: string): Promise<AttachmentRow | null> {
  const [row] = await query<AttachmentRow>(sql`SELECT ${COLUMNS} FROM "Attachment" WHERE "id" = ${id}`);
  return row ?? null;
}

export async function readStoredContent(id: string): Promise<Uint8Array | null> {
  const [row] = await query<{ content: Buffer | null }>(sql`SELECT "content" FROM "Attachment" WHERE "id" = ${id}`);
  return row?.content ?? null;
}

export async function isUploadOf(id: string, userId: string | null): Promise<boolean> {
  if (!userId) return false;
  const rows = await query<{ id: string }>(sql`SELECT "id" FROM "Attachment" WHERE "id" = ${id} AND "uploadedById" = ${userId}`);
  return rows.length === 1;
}

export async function isCommentOf(commentId: string, taskId: string): Promise<boolean> {
  const rows = await query<{ id: string }>(sql`SELECT "id" FROM "Comment" WHERE "id" = ${commentId} AND "taskId" = ${taskId}`);
  return rows.length === 1;
}
