import { AUDIT_CONTENT_FIELDS, AUDIT_CHAIN_FIELDS, onReplica, onReplicaWithFreshness, PRIMARY_FRESHNESS, sql, transaction, type HeavyReader, type Prisma, type Row as DbRow } from "../db";
import { requirePermission, type Actor } from "../identity/actor";
import { auditWhere } from "./repository";
import { scopeOf } from "../identity/scope";
import { verifyAuditChain, type VerifyReport } from "./verify";
import { auditQuerySchema, type AuditEntryDto, type AuditPage, type AuditQuery } from "./schemas";
import { AppError, fromZodError } from "../errors";
import { taskReference } from "../references";
import { actorLabel } from "./actor-names";

type Row = DbRow<"AuditEntry">;

type TaskLabel = { reference: string; title: string };

/** Reference and title of the tasks a page of entries is about (one query). */
async function taskLabels(read: HeavyReader, rows: { taskId: string | null }[]): Promise<Map<string, TaskLabel>> {
  const ids = [...new Set(rows.map((r) => r.taskId).filter((id): id is string => id !== null))];
  if (ids.length === 0) return new Map();
  const tasks = await read.db().task.findMany({ where: { id: { in: ids } }, select: { id: true, number: true, title: true } });
  return new Map(tasks.map((t) => [t.id, { reference: taskReference(t.number), title: t.title }]));
}

export function toAuditDto(row: Row): AuditEntryDto {
  return toAuditDtoLabelled(row, new Map());
}

type AuditField = (typeof AUDIT_CONTENT_FIELDS)[number] | (typeof AUDIT_CHAIN_FIELDS)[number];
type PlainFields = { [K in AuditField]: Row[K] extends bigint ? string : Row[K] extends bigint | null ? string | null : Row[K] extends Date ? string : Row[K] };

/** The entry's content and chain fields as JSON-friendly values (bigints and dates as strings). */
function plainFields(row: Row): PlainFields {
  const out: Record<string, unknown> = {};
  for (const f of [...AUDIT_CONTENT_FIELDS, ...AUDIT_CHAIN_FIELDS]) {
    const v = row[f];
    out[f] = typeof v === "bigint" ? v.toString() : v instanceof Date ? v.toISOString() : (v ?? null);
  }
  return out as PlainFields;
}

function toAuditDtoLabelled(row: Row, labels: Map<string, TaskLabel>): AuditEntryDto {
  const { userAgent: _ua, chainIndex: _ci, prevHash: _ph, ...shown } = plainFields(row);
  return { ...shown, actorLabel: actorLabel(row.actorType, row.actorName), task: row.taskId ? (labels.get(row.taskId) ?? null) : null };
}

/**
 * Who may read what: auditors, admins and machines with audit:read see everything; supervisors
 * see entries about their teams' tasks and made by their team.
 */
async function readScope(read: HeavyReader, actor: Actor): Promise<Prisma.AuditEntryWhereInput> {
  if (actor.type !== "USER" || actor.role === "ADMIN" || actor.role === "AUDITOR") return {};
  if (actor.role !== "SUPERVISOR" || !actor.id) throw new AppError("FORBIDDEN", "Your role cannot read the audit log.");
  const scope = await scopeOf(actor);
  const team = [actor.id, ...scope.reportIds];
  const tasks = await read.db().task.findMany({
    where: {
      OR: [
        { candidateGroupId: { in: [...scope.supervisedGroupIds, ...scope.groupIds] } },
        { assigneeId: { in: team } },
        { decidedById: { in: team } },
      ],
    },
    select: { id: true },
  });
  return { OR: [{ actorId: { in: team } }, { taskId: { in: tasks.map((t) => t.id) } }] };
}

/**
 * Filters that need another table: the process (entries about its instances) and the task's
 * context amount (numeric JSON field), e.g. "approvals above 50,000".
 */
async function amountFilter(read: HeavyReader, q: AuditQuery): Promise<Prisma.AuditEntryWhereInput> {
  if (q.process) {
    const instances = await read.db().processInstance.findMany({ where: { definition: { key: q.process } }, select: { id: true } });
    const byProcess: Prisma.AuditEntryWhereInput = { instanceId: { in: instances.map((i) => i.id) } };
    if (q.amountMin === undefined && q.amountMax === undefined) return byProcess;
    return { AND: [byProcess, await amountFilter(read, { ...q, process: undefined })] };
  }
  if (q.amountMin === undefined && q.amountMax === undefined) return {};
  const rows = await read.query<{ id: string }>(sql`
    SELECT id FROM "Task"
     WHERE jsonb_typeof(context->'amount') = 'number'
       AND (${q.amountMin ?? null}::numeric IS NULL OR (context->>'amount')::numeric >= ${q.amountMin ?? null}::numeric)
       AND (${q.amountMax ?? null}::numeric IS NULL OR (context->>'amount')::numeric <= ${q.amountMax ?? null}::numeric)`);
  return { taskId: { in: rows.map((r) => r.id) } };
}

function parseQuery(rawQuery: unknown): AuditQuery {
  const parsed = auditQuerySchema.safeParse(rawQuery);
  if (!parsed.success) throw fromZodError(parsed.error, "Query");
  const q = parsed.data;
  if (q.from && q.to && new Date(q.from) >= new Date(q.to)) {
    throw new AppError("VALIDATION_FAILED", "`from` must be before `to`", { fieldErrors: [{ path: "from", message: "must be before to" }] });
  }
  return q;
}

/**
 * A search about one task, instance or subject: a few rows by index, and what someone reads right
 * after acting on it ("decide, then read its trail"), so it must see their own write: the primary.
 * Searches across the log (periods, actors, amounts, free text) are the heavy ones: the replica.
 */
function readsOwnWrites(q: AuditQuery): boolean {
  return Boolean(q.taskId || q.instanceId || q.subjectId);
}

/** Newest first, keyset-paginated on the sequence number. */
export async function searchAuditLog(actor: Actor, rawQuery: unknown): Promise<AuditPage> {
  requirePermission(actor, "audit:read");
  const q = parseQuery(rawQuery);
  const search = async (read: HeavyReader) => {
    const [scope, amount] = await Promise.all([readScope(read, actor), amountFilter(read, q)]);
    const rows = await read.db().auditEntry.findMany({ where: { AND: [auditWhere(q), scope, amount] }, orderBy: { seq: "desc" }, take: q.limit + 1 });
    const page = rows.slice(0, q.limit);
    const labels = await taskLabels(read, page);
    return {
      data: page.map((r) => toAuditDtoLabelled(r, labels)),
      nextCursor: rows.length > q.limit ? page[page.length - 1]!.seq.toString() : null,
    };
  };
  if (readsOwnWrites(q)) return { ...(await onReplica("audit search", search, { primary: true })), freshness: PRIMARY_FRESHNESS };
  const { value, freshness } = await onReplicaWithFreshness("audit search", search);
  return { ...value, freshness };
}

const EXPORT_COLUMNS = [
  "seq",
  "chainIndex",
  "at",
  "actorType",
  "actorId",
  "actorName",
  "onBehalfOfId",
  "action",
  "subjectType",
  "subjectId",
  "taskId",
  "instanceId",
  "reason",
  "before",
  "after",
  "requestId",
  "ip",
  "userAgent",
  "prevHash",
  "hash",
] as const satisfies readonly AuditField[];

type ExportRecord = Record<(typeof EXPORT_COLUMNS)[number], unknown>;

/**
 * The business fields an auditor reads beside the chain fields (issue #22): who the actor is in
 * words, and the task the entry is about — its reference, title, amount, vendor (or customer),
 * requester and decider(s). Not hashed: they describe the entry, read now from the task.
 */
const BUSINESS_COLUMNS = ["actorLabel", "taskReference", "taskTitle", "amount", "currency", "vendor", "requester", "decider"] as const;
type BusinessFields = Record<(typeof BUSINESS_COLUMNS)[number], string | number | null>;
type TaskBusiness = Omit<BusinessFields, "actorLabel">;

const NO_TASK: TaskBusiness = { taskReference: null, taskTitle: null, amount: null, currency: null, vendor: null, requester: null, decider: null };

/** The business fields of the tasks a batch of entries is about (one query a batch). */
async function taskBusiness(read: HeavyReader, rows: { taskId: string | null }[]): Promise<Map<string, TaskBusiness>> {
  const ids = [...new Set(rows.map((r) => r.taskId).filter((id): id is string => id !== null))];
  if (ids.length === 0) return new Map();
  const tasks = await read.db().task.findMany({
    where: { id: { in: ids } },
    select: {
      id: true,
      number: true,
      title: true,
      context: true,
      requestedBy: { select: { name: true } },
      decidedBy: { select: { name: true } },
      approvals: { select: { approverName: true, outcome: true }, orderBy: { createdAt: "asc" } },
      instance: { select: { startedByName: true } },
    },
  });
  return new Map(
    tasks.map((t) => {
      const ctx = (t.context ?? {}) as Record<string, unknown>;
      const text = (v: unknown) => (typeof v === "string" && v.trim() ? v : null);
      const amount = typeof ctx.amount === "number" ? ctx.amount : typeof ctx.amount === "string" && Number.isFinite(Number(ctx.amount)) ? Number(ctx.amount) : null;
      // Four-eyes: every vote, in order ("Alice (approve); Bob (approve)"); otherwise the one decider.
      const decider = t.approvals.length > 1 ? t.approvals.map((a) => `${a.approverName} (${a.outcome})`).join("; ") : (t.decidedBy?.name ?? t.approvals[0]?.approverName ?? null);
      return [
        t.id,
        {
          taskReference: taskReference(t.number),
          taskTitle: t.title,
          amount,
          currency: text(ctx.currency),
          vendor: text(ctx.vendor) ?? text(ctx.customer),
          requester: t.requestedBy?.name ?? t.instance?.startedByName ?? null,
          decider,
        },
      ];
    }),
  );
}

function businessFields(r: Row, tasks: Map<string, TaskBusiness>): BusinessFields {
  return { actorLabel: actorLabel(r.actorType, r.actorName), ...((r.taskId && tasks.get(r.taskId)) || NO_TASK) };
}

/** One entry as exported and archived: every hashed field plus the chain fields. */
export function toExportRecord(r: Row): ExportRecord {
  return plainFields(r);
}

// A cell a spreadsheet would read as a formula (OWASP "CSV injection"): = + - @, tab and carriage
// return, and their fullwidth forms, which some spreadsheets fold to the ASCII ones. Attackers can
// put them in the record without signing in (a failed login's User-Agent). Review M12.
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/** One CSV cell: a leading formula character neutralised with a quote, then RFC 4180 quoting. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  let s = typeof value === "string" ? value : JSON.stringify(value);
  if (FORMULA_START.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Streams the filtered log oldest first, in batches, so memory stays flat for millions of rows.
 * Each line carries the chain fields, so an unfiltered export can be verified offline, and then
 * the business fields (BUSINESS_COLUMNS), which the chain does not cover.
 */
export async function* exportAuditLog(actor: Actor, rawQuery: unknown, format: "csv" | "jsonl"): AsyncGenerator<string> {
  requirePermission(actor, "audit:read");
  const q = parseQuery({ ...(rawQuery as object), cursor: undefined, limit: 200 });
  // The replica when there is one (ADR 049), batch by batch: a batch the replica fails is read
  // from the primary, and the export goes on. Keyset paging on seq keeps the batches in order
  // whichever server answers (the primary is never behind the replica).
  const primary = readsOwnWrites(q) ? { primary: true } : {};
  const [scope, amount] = await onReplica("audit export", (read) => Promise.all([readScope(read, actor), amountFilter(read, q)]), primary);
  const where = { AND: [auditWhere(q), scope, amount] };
  if (format === "csv") yield `${[...EXPORT_COLUMNS, ...BUSINESS_COLUMNS].join(",")}\r\n`;
  let after: bigint | null = null;
  for (;;) {
    const from = after;
    const { rows, tasks } = await onReplica(
      "audit export",
      async (read) => {
        const rows: Row[] = await read.db().auditEntry.findMany({
          where: from === null ? where : { AND: [where, { seq: { gt: from } }] },
          orderBy: { seq: "asc" },
          take: 1000,
        });
        return { rows, tasks: await taskBusiness(read, rows) };
      },
      primary,
    );
    if (rows.length === 0) return;
    let chunk = "";
    for (const r of rows) {
      const record = { ...toExportRecord(r), ...businessFields(r, tasks) };
      chunk += format === "csv" ? `${[...EXPORT_COLUMNS, ...BUSINESS_COLUMNS].map((c) => csvCell(record[c])).join(",")}\r\n` : `${JSON.stringify(record)}\n`;
    }
    yield chunk;
    after = rows[rows.length - 1]!.seq;
    if (rows.length < 1000) return;
  }
}

/**
 * Verifies the whole record and records that a verification ran. It only reads: entries the
 * worker has not sealed yet are counted (`unsealed`), never sealed here.
 */
export async function runAuditVerification(actor: Actor): Promise<VerifyReport> {
  requirePermission(actor, "audit:read");
  if (actor.type === "USER" && actor.role !== "ADMIN" && actor.role !== "AUDITOR") {
    throw new AppError("FORBIDDEN", "Only auditors and admins verify the audit chain.");
  }
  const report = await verifyAuditChain();
  await transaction(async (tx) =>
    tx.audit(actor, {
      action: "audit.verified",
      subjectType: "audit",
      subjectId: "chain",
      after: { ok: report.ok, checked: report.checked, headIndex: report.headIndex, firstBroken: report.firstBroken },
    }),
  );
  return report;
}
