import { createHash } from "node:crypto";
import { newId, transaction } from "../db";
import { env } from "../env";
import { AppError } from "../errors";
import { principalId, requirePermission, type Actor } from "../identity/actor";
import { loadForAction } from "../tasks";
import { loadVisibleInstance } from "./access";
import { findAttachment, isCommentOf, isUploadOf, findInstanceAttachments, findTaskAttachments, readStoredContent, toAttachmentDto, type AttachmentRow } from "./repository";
import { formatBytes, type AttachmentDto } from "./schemas";
import { configuredStore, getObject, objectKey, putObject } from "./store";
import { declaredTypeAgrees, PREVIEWABLE, sniffContentType } from "./sniff";

// Attachments on tasks, requests (process instances) and comments (issue #21, ADR 040). Seeing a
// file is seeing what it hangs on: a task's (or its comments') files whoever can see the task, a
// request's whoever can see the request or one of its tasks. Every upload and every download is
// an audit entry; the type is what the bytes are, checked against an allow-list.

export interface UploadedFile {
  filename: string;
  /** The Content-Type the client declared for the part. */
  declaredType: string | undefined;
  bytes: Uint8Array;
}

const NAME_MAX = 200;

/** A file name safe to keep and to send back: no path, no control characters, bounded. */
export function cleanFilename(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  const clean = base.replace(/[\u0000-\u001f\u007f"]/g, "").trim();
  if (!clean || clean === "." || clean === "..") return "attachment";
  if (clean.length <= NAME_MAX) return clean;
  const dot = clean.lastIndexOf(".");
  const ext = dot > 0 && clean.length - dot <= 10 ? clean.slice(dot) : "";
  return clean.slice(0, NAME_MAX - ext.length) + ext;
}

/** The file's checks: size, then type from the bytes, then agreement with what the client said. */
function inspect(file: UploadedFile): { filename: string; contentType: string; sha256: string } {
  const max = env().ATTACHMENTS_MAX_BYTES;
  if (file.bytes.length === 0) throw new AppError("VALIDATION_FAILED", "The file is empty.", { fieldErrors: [{ path: "file", message: "empty" }] });
  if (file.bytes.length > max) throw new AppError("PAYLOAD_TOO_LARGE", `The file is ${formatBytes(file.bytes.length)}; attachments may be at most ${formatBytes(max)}.`);
  const filename = cleanFilename(file.filename);
  const contentType = sniffContentType(file.bytes, filename);
  if (!contentType) {
    throw new AppError("UNSUPPORTED_MEDIA_TYPE", `"${filename}" is not a kind of file Baton accepts: PDF, PNG, JPEG, GIF, WebP, Word, Excel, PowerPoint (.docx/.xlsx/.pptx) or UTF-8 text (.txt, .csv, .md).`);
  }
  if (!declaredTypeAgrees(file.declaredType, contentType)) {
    throw new AppError("UNSUPPORTED_MEDIA_TYPE", `"${filename}" was sent as ${file.declaredType} but its content is ${contentType}.`);
  }
  return { filename, contentType, sha256: createHash("sha256").update(file.bytes).digest("hex") };
}

interface Target {
  taskId: string | null;
  instanceId: string | null;
  commentId: string | null;
}

async function store(actor: Actor, target: Target, file: UploadedFile): Promise<AttachmentDto> {
  const { filename, contentType, sha256 } = inspect(file);
  const id = newId();
  const where = configuredStore();
  const storageKey = where === "s3" ? objectKey(id) : null;
  if (storageKey) await putObject(storageKey, file.bytes, contentType, sha256);
  const row: AttachmentRow = {
    id,
    ...target,
    filename,
    contentType,
    size: file.bytes.length,
    sha256,
    store: where,
    storageKey,
    uploadedByName: actor.name,
    createdAt: new Date(),
  };
  await transaction(async (tx) => {
    await tx.insert("Attachment", {
      ...row,
      content: where === "postgres" ? Buffer.from(file.bytes) : null,
      uploadedById: principalId(actor),
    });
    tx.audit(actor, {
      action: "attachment.added",
      subjectType: "attachment",
      subjectId: id,
      taskId: target.taskId,
      instanceId: target.instanceId,
      after: { filename, contentType, size: row.size, sha256, store: where, commentId: target.commentId },
    });
  });
  return toAttachmentDto(row);
}

export async function listTaskAttachments(actor: Actor, taskId: string): Promise<{ data: AttachmentDto[] }> {
  requirePermission(actor, "tasks:read");
  const { task } = await loadForAction(actor, taskId);
  return { data: await findTaskAttachments(task.id, task.instanceId) };
}

export async function listInstanceAttachments(actor: Actor, instanceId: string): Promise<{ data: AttachmentDto[] }> {
  requirePermission(actor, "tasks:read");
  const instance = await loadVisibleInstance(actor, instanceId);
  return { data: await findInstanceAttachments(instance.id) };
}

/** Attach a file to a task, or to one of its comments (`commentId`). */
export async function attachToTask(actor: Actor, taskId: string, file: UploadedFile, commentId?: string): Promise<AttachmentDto> {
  requirePermission(actor, "tasks:comment");
  const { task } = await loadForAction(actor, taskId);
  if (commentId) {
    if (!(await isCommentOf(commentId, task.id))) throw new AppError("VALIDATION_FAILED", "No such comment on this task.", { fieldErrors: [{ path: "commentId", message: "not a comment of this task" }] });
  }
  return store(actor, { taskId: task.id, instanceId: task.instanceId, commentId: commentId ?? null }, file);
}

/**
 * A file for a start form being filled in (ADR 052): it hangs on nothing yet, only its uploader can
 * read it, and filing the request with it in a `file` answer makes it the request's. One never
 * filed is deleted after a day (retention).
 */
export async function uploadRequestFile(actor: Actor, read: () => Promise<UploadedFile>): Promise<AttachmentDto> {
  // People only, like filing the request itself (tokens are refused before the body is read).
  if (actor.type !== "USER" || !actor.id) throw new AppError("FORBIDDEN", "Only a person signed in files requests and their files.");
  return store(actor, { taskId: null, instanceId: null, commentId: null }, await read());
}

/** Attach a file to a request (process instance): the case's documents, shown on each of its tasks. */
export async function attachToInstance(actor: Actor, instanceId: string, file: UploadedFile): Promise<AttachmentDto> {
  requirePermission(actor, "tasks:comment");
  const instance = await loadVisibleInstance(actor, instanceId);
  return store(actor, { taskId: null, instanceId: instance.id, commentId: null }, file);
}

export interface AttachmentContent {
  attachment: AttachmentDto;
  bytes: Uint8Array;
  /** Shown in place: asked for, and a type that can be (PDF, image). */
  inline: boolean;
}

/** The file's bytes for someone who may see what it hangs on; the download is audited. */
export async function readAttachment(actor: Actor, id: string, wantInline: boolean): Promise<AttachmentContent> {
  requirePermission(actor, "tasks:read");
  const row = await findAttachment(id);
  if (!row) throw new AppError("NOT_FOUND", "Attachment not found.");
  try {
    if (row.taskId) await loadForAction(actor, row.taskId);
    else if (row.instanceId) await loadVisibleInstance(actor, row.instanceId);
    // An upload not filed yet: its uploader's alone.
    else if (!(await isUploadOf(row.id, principalId(actor)))) throw new AppError("NOT_FOUND", "Attachment not found.");
  } catch (e) {
    // Not visible reads as not there (no hint that the file exists).
    if (e instanceof AppError && e.status === 404) throw new AppError("NOT_FOUND", "Attachment not found.");
    throw e;
  }
  const bytes = row.store === "s3" ? await getObject(row.storageKey!) : await readStoredContent(row.id);
  if (!bytes) throw new AppError("NOT_FOUND", "Attachment not found.");
  const inline = wantInline && PREVIEWABLE.has(row.contentType);
  await transaction(async (tx) => {
    tx.audit(actor, {
      action: "attachment.downloaded",
      subjectType: "attachment",
      subjectId: row.id,
      taskId: row.taskId,
      instanceId: row.instanceId,
      after: { filename: row.filename, sha256: row.sha256, inline },
    });
  });
  return { attachment: toAttachmentDto(row), bytes, inline };
}
