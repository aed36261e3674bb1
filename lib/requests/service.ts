import { query, sql, transaction, type Tx } from "../db";
import { AppError, parse } from "../errors";
import type { Actor } from "../identity/actor";
import { lockInstance, startInstanceInTx, withdrawInstanceInTx } from "../engine";
import { buildFormSchema, fileAnswerErrors, formErrors, formFileIds, type FormField } from "../processes/forms";
import { documentOf, startableVersion } from "../processes/service";
import { stepById } from "../processes/definition";
import type { ProcessDocument } from "../processes/schemas";
import { taskReference } from "../references";
import { submitRequestSchema, withdrawRequestSchema, type CatalogueEntry, type RequestDto, type RequestList, type TimelineEntry } from "./schemas";

// Requesters (ADR 039): a person starts a process from the catalogue by answering its start form,
// and follows what they started. Who may start a process is part of its definition (`requesters`:
// group keys or "*"); machines keep starting processes through the operators' API and events.

/** The person whose requests these are: a person signed in (like every own row, tokens are refused: permission matrix). */
function requesterOf(actor: Actor): string {
  const id = actor.type === "USER" ? actor.id : null;
  if (!id) throw new AppError("FORBIDDEN", "Only a person signed in files and follows requests.");
  return id;
}

async function groupKeysOf(userId: string): Promise<Set<string>> {
  const rows = await query<{ key: string }>(sql`SELECT g."key" FROM "GroupMembership" m JOIN "Group" g ON g."id" = m."groupId" WHERE m."userId" = ${userId}`);
  return new Set(rows.map((r) => r.key));
}

/** Whether a definition lets this person request it: "*" or one of their groups. */
export function mayRequest(doc: Pick<ProcessDocument, "requesters">, groups: ReadonlySet<string>): boolean {
  return (doc.requesters ?? []).some((r) => r === "*" || groups.has(r));
}

/** The processes the caller may start, each with its start form (newest active version). */
export async function listCatalogue(actor: Actor): Promise<{ data: CatalogueEntry[] }> {
  const userId = requesterOf(actor);
  const groups = await groupKeysOf(userId);
  const rows = await query<{ key: string; version: number; name: string; document: unknown }>(
    sql`SELECT DISTINCT ON ("key") "key", "version", "name", "document" FROM "ProcessDefinition"
         WHERE "status" = 'ACTIVE' AND jsonb_array_length(COALESCE("document"->'requesters', '[]'::jsonb)) > 0
         ORDER BY "key", "version" DESC`,
  );
  const data = rows
    .map((r) => ({ ...r, doc: documentOf(r as never) }))
    .filter((r) => mayRequest(r.doc, groups))
    .map((r) => ({ key: r.key, name: r.name, description: r.doc.description ?? null, version: r.version, form: r.doc.startForm ?? [] }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return { data };
}

/** The answers checked against the start form's schema (the browser's is the same); field errors as `answers.<id>`. */
function checkAnswers(form: readonly FormField[], answers: Record<string, unknown>): Record<string, unknown> {
  const r = buildFormSchema(form).safeParse(answers);
  if (r.success) return r.data;
  const errors = formErrors(r.error);
  throw new AppError("VALIDATION_FAILED", `The request is incomplete — ${Object.entries(errors).map(([k, m]) => `${k}: ${m}`).join("; ")}`, {
    fieldErrors: Object.entries(errors).map(([k, m]) => ({ path: `answers.${k}`, message: m })),
  });
}

/**
 * A start form's files (ADR 052): each must be the requester's own upload that no request, task
 * or comment holds yet (POST /requests/files), of a kind its field accepts. Returns the ids, which
 * the request then takes over.
 */
async function checkStartFiles(tx: Tx, form: readonly FormField[], variables: Record<string, unknown>, userId: string): Promise<string[]> {
  const wanted = formFileIds(form, variables);
  if (!wanted.length) return [];
  const ids = wanted.flatMap((w) => w.ids);
  const rows = await tx.query<{ id: string; contentType: string; filename: string }>(
    sql`SELECT "id", "contentType", "filename" FROM "Attachment"
         WHERE "id" = ANY(${ids}::text[]) AND "uploadedById" = ${userId} AND "taskId" IS NULL AND "instanceId" IS NULL AND "commentId" IS NULL
         FOR UPDATE`,
  );
  const errors = fileAnswerErrors(wanted, rows, "by you for this request");
  if (Object.keys(errors).length) {
    throw new AppError("VALIDATION_FAILED", `The request is incomplete — ${Object.entries(errors).map(([k, m]) => `${k}: ${m}`).join("; ")}`, {
      fieldErrors: Object.entries(errors).map(([k, m]) => ({ path: `answers.${k}`, message: m })),
    });
  }
  return ids;
}

/**
 * Files a request: the process's startable version, the caller's right to request it, the
 * answers validated by its start form; the instance starts with the answers as its variables and
 * the caller as its starter (the requester of its tasks). Audited as request.submitted.
 */
export async function submitRequest(actor: Actor, input: unknown): Promise<RequestDto> {
  const userId = requesterOf(actor);
  const data = parse(submitRequestSchema, input ?? {}, "Request");
  const groups = await groupKeysOf(userId);
  const id = await transaction(async (tx) => {
    const def = await startableVersion(tx, data.process);
    const doc = def ? documentOf(def) : null;
    // A process the caller may not request is as unknown to them as one that does not exist.
    if (!def || !doc || !mayRequest(doc, groups)) throw new AppError("NOT_FOUND", `No process "${data.process}" you may request.`);
    const variables = checkAnswers(doc.startForm ?? [], data.answers);
    const files = await checkStartFiles(tx, doc.startForm ?? [], variables, userId);
    const { instance } = await startInstanceInTx(tx, actor, { id: def.id, key: def.key, version: def.version, document: doc }, { variables: variables as never });
    if (files.length) {
      // The uploads become the request's documents, shown on each of its tasks (ADR 040).
      await tx.update("Attachment", { instanceId: instance.id }, sql`"id" = ANY(${files}::text[]) AND "instanceId" IS NULL AND "taskId" IS NULL`, { expect: files.length });
      for (const id of files) tx.audit(actor, { action: "attachment.linked", subjectType: "attachment", subjectId: id, instanceId: instance.id, after: { instanceId: instance.id } });
    }
    tx.audit(actor, {
      action: "request.submitted",
      subjectType: "instance",
      subjectId: instance.id,
      instanceId: instance.id,
      after: { process: def.key, version: def.version, requesterId: userId, answers: variables },
    });
    return instance.id;
  });
  return (await loadRequests(userId, id))[0]!;
}

/** Every request the caller started, newest first (the latest 100). */
export async function listMyRequests(actor: Actor): Promise<RequestList> {
  return { data: await loadRequests(requesterOf(actor)) };
}

/**
 * Withdraws a running request: completed steps that declare compensation are undone (the
 * instance ends COMPENSATED), otherwise its open tasks are cancelled (CANCELLED). Only its starter.
 */
export async function withdrawRequest(actor: Actor, instanceId: string, input: unknown): Promise<RequestDto> {
  const userId = requesterOf(actor);
  const data = parse(withdrawRequestSchema, input ?? {}, "Withdrawal");
  await transaction(async (tx) => {
    const inst = await lockInstance(tx, instanceId);
    if (!inst || inst.startedById !== userId) throw new AppError("NOT_FOUND", "Request not found.");
    if (inst.status !== "RUNNING" && inst.status !== "WAITING") throw new AppError("CONFLICT", `This request is ${statusLabel(inst.status).toLowerCase()}; only a request in progress can be withdrawn.`);
    const [def] = await tx.query<{ document: unknown }>(sql`SELECT "document" FROM "ProcessDefinition" WHERE "id" = ${inst.definitionId}`);
    const result = await withdrawInstanceInTx(tx, actor, inst, documentOf(def as never), `Withdrawn by the requester: ${data.reason}`);
    tx.audit(actor, {
      action: "request.withdrawn",
      subjectType: "instance",
      subjectId: inst.id,
      instanceId: inst.id,
      before: { status: inst.status },
      after: { status: result.status },
      reason: data.reason,
    });
  });
  return (await loadRequests(userId, instanceId))[0]!;
}

const LABELS: Record<string, string> = {
  RUNNING: "In progress",
  WAITING: "In progress",
  COMPLETED: "Completed",
  FAILED: "Stuck: an operator is looking into it",
  CANCELLED: "Withdrawn or cancelled",
  COMPENSATING: "Being undone",
  COMPENSATED: "Undone",
};
function statusLabel(status: string): string {
  return LABELS[status] ?? status;
}

interface InstanceRow {
  id: string;
  status: RequestDto["status"];
  currentStepId: string | null;
  startedAt: Date;
  endedAt: Date | null;
  variables: Record<string, unknown>;
  key: string;
  version: number;
  name: string;
  document: unknown;
}
interface TaskRow {
  id: string;
  number: number;
  instanceId: string;
  title: string;
  status: string;
  outcome: string | null;
  reason: string | null;
  createdAt: Date;
  decidedAt: Date | null;
  dueAt: Date | null;
  approvalsRequired: number;
  stepId: string | null;
  decidedByName: string | null;
  assigneeId: string | null;
  assigneeName: string | null;
  groupId: string | null;
  groupName: string | null;
}
interface NoteRow {
  taskId: string;
  kind: "COMMENT" | "QUESTION" | "ANSWER" | "VOTE";
  body: string | null;
  authorName: string;
  mentioned: string[];
  createdAt: Date;
}
interface AuditRow {
  instanceId: string;
  action: string;
  actorName: string;
  reason: string | null;
  createdAt: Date;
}

const iso = (d: Date) => d.toISOString();

/** A requester's requests (or one of them) with their steps, votes, comments and timeline: four reads. */
async function loadRequests(userId: string, onlyId?: string): Promise<RequestDto[]> {
  const instances = await query<InstanceRow>(
    sql`SELECT i."id", i."status", i."currentStepId", i."startedAt", i."endedAt", i."variables", d."key", d."version", d."name", d."document"
          FROM "ProcessInstance" i JOIN "ProcessDefinition" d ON d."id" = i."definitionId"
         WHERE i."startedById" = ${userId} AND (${onlyId ?? null}::text IS NULL OR i."id" = ${onlyId ?? null})
         ORDER BY i."startedAt" DESC, i."id" DESC LIMIT 100`,
  );
  if (instances.length === 0) {
    if (onlyId) throw new AppError("NOT_FOUND", "Request not found.");
    return [];
  }
  const ids = instances.map((i) => i.id);
  const [tasks, audits] = await Promise.all([
    query<TaskRow>(
      sql`SELECT t."id", t."number", t."instanceId", t."title", t."status"::text AS "status", t."outcome", t."reason", t."createdAt", t."decidedAt", t."dueAt", t."approvalsRequired",
                 sr."stepId", d."name" AS "decidedByName", t."assigneeId", a."name" AS "assigneeName", t."candidateGroupId" AS "groupId", g."name" AS "groupName"
            FROM "Task" t LEFT JOIN "StepRun" sr ON sr."id" = t."stepRunId" LEFT JOIN "User" d ON d."id" = t."decidedById"
            LEFT JOIN "User" a ON a."id" = t."assigneeId" LEFT JOIN "Group" g ON g."id" = t."candidateGroupId"
           WHERE t."instanceId" = ANY(${ids}::text[]) ORDER BY t."createdAt", t."id"`,
    ),
    query<AuditRow>(
      // By subject (indexed): the withdrawal, with its reason; how the request ended is the instance's own.
      sql`SELECT "subjectId" AS "instanceId", "action", "actorName", "reason", "at" AS "createdAt" FROM "AuditEntry"
           WHERE "subjectType" = 'instance' AND "subjectId" = ANY(${ids}::text[]) AND "action" = 'request.withdrawn'`,
    ),
  ]);
  const taskIds = tasks.map((t) => t.id);
  const notes = taskIds.length
    ? await query<NoteRow>(
        sql`SELECT "taskId", "kind"::text AS "kind", "body", "authorName", "mentionedUserIds" AS "mentioned", "createdAt" FROM "Comment" WHERE "taskId" = ANY(${taskIds}::text[])
            UNION ALL
            SELECT "taskId", 'VOTE', "outcome" || COALESCE(': ' || "reason", ''), "approverName", '{}'::text[], "createdAt" FROM "TaskApproval" WHERE "taskId" = ANY(${taskIds}::text[])
            ORDER BY "createdAt"`,
      )
    : [];
  return instances.map((i) => toRequest(i, tasks.filter((t) => t.instanceId === i.id), notes, audits.filter((a) => a.instanceId === i.id), userId));
}

const OUTCOME_WORDS: Record<string, string> = { approve: "approved", reject: "rejected" };

function toRequest(i: InstanceRow, tasks: TaskRow[], allNotes: NoteRow[], audits: AuditRow[], userId: string): RequestDto {
  const doc = documentOf(i as never);
  const form = doc.startForm ?? [];
  const timeline: TimelineEntry[] = [{ at: iso(i.startedAt), kind: "submitted", by: null, text: `Request filed: ${i.name}`, taskId: null }];
  const waitingOn: RequestDto["waitingOn"] = [];
  for (const t of tasks) {
    const holder = t.assigneeName ?? (t.groupName ? `the ${t.groupName} queue` : "nobody yet");
    timeline.push({ at: iso(t.createdAt), kind: "step", by: null, text: `${t.title} — with ${holder}`, taskId: t.id });
    // Votes matter only where several are needed (four-eyes); a single approval is the decision itself.
    const notes = allNotes.filter((n) => n.taskId === t.id && (n.kind !== "VOTE" || t.approvalsRequired > 1));
    for (const n of notes) {
      const kind = n.kind === "VOTE" ? "approval" : n.kind === "QUESTION" ? "question" : n.kind === "ANSWER" ? "answer" : "comment";
      timeline.push({ at: iso(n.createdAt), kind, by: n.authorName, text: n.body ?? "", taskId: t.id });
    }
    if (t.status === "DECIDED" && t.decidedAt) {
      const word = OUTCOME_WORDS[t.outcome ?? ""] ?? `decided: ${t.outcome}`;
      timeline.push({ at: iso(t.decidedAt), kind: "decision", by: t.decidedByName, text: `${t.title}: ${word}${t.reason ? ` — ${t.reason}` : ""}`, taskId: t.id });
    }
    if (t.status === "OPEN" || t.status === "INFO_REQUESTED") {
      const q = t.status === "INFO_REQUESTED" ? [...notes].reverse().find((n) => n.kind === "QUESTION" && n.mentioned.includes(userId)) : undefined;
      waitingOn.push({
        taskId: t.id,
        reference: taskReference(t.number),
        title: t.title,
        stepId: t.stepId,
        status: t.status,
        assignee: t.assigneeId ? { id: t.assigneeId, name: t.assigneeName ?? "" } : null,
        group: t.groupId ? { id: t.groupId, name: t.groupName ?? "" } : null,
        since: iso(t.createdAt),
        dueAt: t.dueAt ? iso(t.dueAt) : null,
        question: q ? { text: q.body ?? "", askedBy: q.authorName, askedAt: iso(q.createdAt) } : null,
      });
    }
  }
  for (const a of audits) timeline.push({ at: iso(a.createdAt), kind: "withdrawn", by: a.actorName, text: `Withdrawn${a.reason ? `: ${a.reason}` : ""}`, taskId: null });
  if (i.endedAt && !(audits.length && i.status === "CANCELLED")) timeline.push({ at: iso(i.endedAt), kind: "ended", by: null, text: statusLabel(i.status), taskId: null });
  timeline.sort((a, b) => a.at.localeCompare(b.at));
  const vars = (i.variables ?? {}) as Record<string, unknown>;
  return {
    id: i.id,
    process: { key: i.key, name: i.name, version: i.version },
    status: i.status,
    statusLabel: statusLabel(i.status),
    currentStepId: i.currentStepId,
    startedAt: iso(i.startedAt),
    endedAt: i.endedAt ? iso(i.endedAt) : null,
    answers: form.filter((f) => vars[f.id] !== undefined).map((f) => ({ id: f.id, label: f.label, value: vars[f.id] })),
    waitingOn: waitingOn.map((w) => ({ ...w, title: w.title || (w.stepId ? (stepById(doc, w.stepId)?.name ?? w.stepId) : "") })),
    timeline,
    can: { withdraw: i.status === "RUNNING" || i.status === "WAITING" },
  };
}
