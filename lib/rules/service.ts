import { z } from "zod";
import { transaction, type Tx } from "../db";
import { AppError, parse } from "../errors";
import { requirePermission, type Actor } from "../identity/actor";
import { parseDmnUpload, type DmnUpload } from "./dmn";
import { diffTables } from "./diff";
import { evaluateDecisionTable } from "./evaluate";
import { parseDecisionModel, type DecisionModel } from "./drg";
import { evaluateModelDecision, inputDataFromJson } from "./drg-evaluate";
import { fromFeelValue } from "./feel";
import {
  findLatestPublished,
  findNewestVersion,
  findTable,
  findVersion,
  findVersions,
  findXml,
  firedRuleIdsSince,
  insertVersion,
  listTablesWithVersions,
  lockTableKey,
  publishVersionIf,
  setArchivedIf,
  updateTestCases,
  upsertTable,
  type VersionRow,
} from "./repository";
import {
  decisionTableModelSchema,
  evaluateSchema,
  publishSchema,
  testCaseSchema,
  testCasesSchema,
  unusedRulesQuerySchema,
  uploadQuerySchema,
  type DecisionTableModel,
  type EvaluationDto,
  type PublishResult,
  type TableDetail,
  type TableDiff,
  type TableSummary,
  type TestCase,
  type TestCaseResult,
  type UnusedRules,
  type UploadResult,
  type VersionSummary,
} from "./schemas";
import { runTestCases } from "./test-cases";

// Decision tables' use cases: upload a .dmn file as drafts, look at tables and versions, try
// and evaluate them, keep test cases, diff a draft against what is published, publish. Every
// change and every evaluation writes its audit entry in the same transaction.


function notFound(key: string): AppError {
  return new AppError("NOT_FOUND", `No decision table "${key}".`);
}

const modelOf = (row: VersionRow): DecisionTableModel => decisionTableModelSchema.parse(row.model);
const testCasesOf = (json: unknown): TestCase[] => z.array(testCaseSchema).parse(json ?? []);

function summariseVersion(row: VersionRow): VersionSummary {
  const model = modelOf(row);
  return {
    version: row.version,
    status: row.status,
    createdBy: row.createdByName,
    createdAt: row.createdAt.toISOString(),
    publishedAt: row.publishedAt?.toISOString() ?? null,
    rules: model.rules.length,
    hitPolicy: model.hitPolicy,
  };
}

type TableRow = { key: string; name: string; modelNamespace: string | null; modelName: string | null; archivedAt: Date | null };

function summariseTable(table: TableRow, versions: VersionRow[]): TableSummary {
  const newest = versions[0];
  return {
    key: table.key,
    name: table.name,
    model: table.modelNamespace !== null ? { namespace: table.modelNamespace, name: table.modelName ?? "" } : null,
    archivedAt: table.archivedAt?.toISOString() ?? null,
    latestPublished: versions.find((v) => v.status === "PUBLISHED")?.version ?? null,
    draft: newest?.status === "DRAFT" ? newest.version : null,
    versions: versions.map(summariseVersion),
  };
}

// ---------------------------------------------------------------------------------------------

/**
 * Reads a .dmn document and stores each of its decision tables as a new draft version. A table
 * belongs to the model it was first uploaded from (namespace and name): another model reusing a
 * decision id is refused (409), unless it is uploaded under an explicit `key` (one table only).
 */
export async function uploadDmn(actor: Actor, xml: string, query: unknown = {}): Promise<UploadResult> {
  requirePermission(actor, "rules:edit");
  const { key } = parse(uploadQuerySchema, query ?? {}, "Query");
  const upload = await parseDmnUpload(xml);
  if (key && upload.tables.length !== 1) {
    throw new AppError("DMN_INVALID", `An explicit key names one table, but this file has ${upload.tables.length} decision tables: upload them without a key, or one per file.`, {
      details: { elementId: null },
    });
  }
  const models = key ? [{ ...upload.tables[0]!, key }] : upload.tables;
  const tables = await transaction(async (tx) => {
    const out: UploadResult["tables"] = [];
    for (const model of models) out.push(await storeDraft(tx, actor, model, xml, upload));
    return out;
  });
  return { tables };
}

function archivedError(key: string): AppError {
  return new AppError("CONFLICT", `Decision table "${key}" is archived: restore it first.`, { details: { archived: true } });
}

async function storeDraft(tx: Tx, actor: Actor, model: DecisionTableModel, xml: string, upload: DmnUpload): Promise<UploadResult["tables"][number]> {
  await lockTableKey(tx, model.key);
  const existing = await findTable(model.key, tx);
  if (existing?.archivedAt) throw archivedError(model.key);
  if (existing?.modelNamespace != null && (existing.modelNamespace !== upload.namespace || existing.modelName !== upload.modelName)) {
    throw new AppError(
      "CONFLICT",
      `Decision table "${model.key}" belongs to the model "${existing.modelName}" (namespace ${existing.modelNamespace}); this file is the model "${upload.modelName}" (namespace ${upload.namespace}). ` +
        `A different model cannot reuse the id: upload it with an explicit key (?key=…) or give the decision another id.`,
      { details: { key: model.key, model: { namespace: existing.modelNamespace, name: existing.modelName }, uploaded: { namespace: upload.namespace, name: upload.modelName } } },
    );
  }
  await upsertTable(tx, model.key, model.name, { namespace: upload.namespace, name: upload.modelName });
  const newest = await findNewestVersion(model.key, tx);
  const row = await insertVersion(tx, {
    tableKey: model.key,
    version: (newest?.version ?? 0) + 1,
    dmnXml: xml,
    model: model,
    createdById: actor.type === "USER" ? actor.id : null,
    createdByName: actor.name,
  });
  tx.audit(actor, {
    action: "decision_table.draft_created",
    subjectType: "decision_table",
    subjectId: model.key,
    after: { version: row.version, name: model.name, hitPolicy: model.hitPolicy, rules: model.rules.length },
  });
  return { key: model.key, name: model.name, version: row.version, status: "DRAFT", rules: model.rules.length };
}

export async function listDecisionTables(actor: Actor): Promise<{ data: TableSummary[] }> {
  requirePermission(actor, "rules:edit");
  const tables = await listTablesWithVersions();
  return { data: tables.map((t) => summariseTable(t, t.versions)) };
}

export async function getDecisionTable(actor: Actor, key: string): Promise<TableDetail> {
  requirePermission(actor, "rules:edit");
  const table = await findTable(key);
  if (!table) throw notFound(key);
  const versions = await findVersions(key);
  const current = versions[0];
  if (!current) throw notFound(key);
  const published = versions.find((v) => v.status === "PUBLISHED") ?? null;
  const testCases = testCasesOf(table.testCases);
  const model = modelOf(current);
  return {
    ...summariseTable(table, versions),
    current: { version: current.version, status: current.status, model },
    published: published ? { version: published.version, model: modelOf(published) } : null,
    testCases,
    testResults: runTestCases(model, testCases),
  };
}

/** The DMN XML a version was uploaded as. */
export async function getDecisionTableXml(actor: Actor, key: string, version?: number): Promise<string> {
  requirePermission(actor, "rules:edit");
  const xml = await findXml(key, version);
  if (xml === null) throw notFound(key);
  return xml;
}

/**
 * Evaluates a table for the API: the latest published version, or a pinned one (drafts too, so
 * a draft can be tried before publishing). The evaluation is audited with its inputs, the
 * matched rules and the outputs.
 */
export async function evaluateDecision(actor: Actor, key: string, input: unknown): Promise<EvaluationDto> {
  requirePermission(actor, "rules:edit");
  const body = parse(evaluateSchema, input, "Evaluation");
  return transaction((tx) => evaluateDecisionInTx(tx, actor, key, body.inputs, body.version), { batched: true });
}

/** The pinned version, or the latest published one, of a table that is not archived. */
async function versionToEvaluate(tx: Tx, key: string, version: number | undefined): Promise<VersionRow> {
  const table = await findTable(key, tx);
  if (!table) throw notFound(key);
  if (table.archivedAt) throw archivedError(key);
  const row = version ? await findVersion(key, version, tx) : await findLatestPublished(key, tx);
  if (!row) throw new AppError("NOT_FOUND", version ? `Decision table "${key}" has no version ${version}.` : `Decision table "${key}" has no published version yet.`);
  return row;
}

function auditEvaluation(tx: Tx, actor: Actor, key: string, refs: { taskId?: string; instanceId?: string }, after: Record<string, unknown>): void {
  tx.audit(actor, { action: "decision_table.evaluated", subjectType: "decision_table", subjectId: key, taskId: refs.taskId ?? null, instanceId: refs.instanceId ?? null, after });
}

/** The same inside the caller's transaction (routing and decision steps record it with their own change). */
export async function evaluateDecisionInTx(tx: Tx, actor: Actor, key: string, inputs: Record<string, unknown>, version?: number, refs: { taskId?: string; instanceId?: string } = {}): Promise<EvaluationDto> {
  const row = await versionToEvaluate(tx, key, version);
  const result = evaluateDecisionTable(modelOf(row), inputs);
  auditEvaluation(tx, actor, key, refs, { version: row.version, status: row.status, inputs: inputs, matchedRules: result.matchedRules.map((r) => r.id), outputs: result.outputs });
  return { key, version: row.version, status: row.status, ...result };
}

/** A decision of a table's model, evaluated (DecisionEvaluation) — what process steps and routing call. */
export interface ModelDecisionEvaluation {
  key: string;
  version: number;
  status: VersionRow["status"];
  /** The decision's name in the model. */
  decision: string;
  /** The input data the decision read (JSON). */
  inputs: Record<string, unknown>;
  /** The decision's value as JSON (temporals as ISO strings, contexts as objects). */
  value: unknown;
}

// A version's XML never changes, so its parsed model is kept (a process step evaluates it often).
const parsedModels = new Map<string, Promise<DecisionModel>>();
function decisionModelOf(key: string, version: number, xml: string): Promise<DecisionModel> {
  const id = `${key}@${version}`;
  let model = parsedModels.get(id);
  if (!model) {
    if (parsedModels.size >= 200) parsedModels.delete(parsedModels.keys().next().value!);
    model = parseDecisionModel(xml);
    model.catch(() => parsedModels.delete(id));
    parsedModels.set(id, model);
  }
  return model;
}

/**
 * Evaluates any decision (literal expression, context, decision table, invocation…, by name or
 * id) of the model a table's version was uploaded with, with its requirements, in the caller's
 * transaction; audited as decision_table.evaluated with the decision's name. `inputs` are JSON
 * values keyed by input data name (others are ignored). A decision that evaluates to null because
 * something failed is DECISION_EVALUATION_FAILED with the reasons, never a silent null.
 */
export async function evaluateModelDecisionInTx(
  tx: Tx,
  actor: Actor,
  key: string,
  decision: string,
  inputs: Record<string, unknown>,
  version?: number,
  refs: { taskId?: string; instanceId?: string } = {},
): Promise<ModelDecisionEvaluation> {
  const row = await versionToEvaluate(tx, key, version);
  const xml = await findXml(key, row.version, tx);
  const model = await decisionModelOf(key, row.version, xml ?? "");
  const inputNames = new Set(model.elements.filter((e) => e.kind === "inputData").map((e) => e.name));
  const used = Object.fromEntries(Object.entries(inputs).filter(([name]) => inputNames.has(name)));
  const element = model.elements.find((e) => e.kind === "decision" && (e.name === decision || e.id === decision));
  if (!element) throw new AppError("NOT_FOUND", `The model "${model.name}" of decision table "${key}" v${row.version} has no decision "${decision}".`);
  const { value, problems } = evaluateModelDecision(model, element.id, inputDataFromJson(model, used));
  if ((value === null || value === undefined) && problems.length > 0) {
    throw new AppError("DECISION_EVALUATION_FAILED", `Decision "${element.name}" of "${key}" v${row.version} could not decide: ${problems.join("; ")}`, { details: { problems } });
  }
  const json = fromFeelValue(value);
  auditEvaluation(tx, actor, key, refs, { version: row.version, status: row.status, decision: element.name, inputs: used, value: json, problems });
  return { key, version: row.version, status: row.status, decision: element.name, inputs: used, value: json };
}

/** What publishing would change: the newest draft against the latest published version. */
export async function diffDecisionTable(actor: Actor, key: string): Promise<TableDiff> {
  requirePermission(actor, "rules:edit");
  const [newest, published] = await Promise.all([findNewestVersion(key), findLatestPublished(key)]);
  if (!newest) throw notFound(key);
  const draft = newest.status === "DRAFT" ? newest : null;
  return diffTables(key, published ? { version: published.version, model: modelOf(published) } : null, draft ? { version: draft.version, model: modelOf(draft) } : null);
}

/** Replaces the table's test cases; answers with how the current version does on them. */
export async function replaceTestCases(actor: Actor, key: string, input: unknown): Promise<{ testCases: TestCase[]; testResults: TestCaseResult[] }> {
  requirePermission(actor, "rules:edit");
  const { testCases } = parse(testCasesSchema, input, "Test cases");
  return transaction(async (tx) => {
    await lockTableKey(tx, key);
    const table = await findTable(key, tx);
    const newest = table ? await findNewestVersion(key, tx) : null;
    if (!table || !newest) throw notFound(key);
    if (table.archivedAt) throw archivedError(key);
    const before = testCasesOf(table.testCases);
    await updateTestCases(tx, key, testCases);
    tx.audit(actor, {
      action: "decision_table.test_cases_updated",
      subjectType: "decision_table",
      subjectId: key,
      before: { count: before.length, names: before.map((t) => t.name) },
      after: { count: testCases.length, names: testCases.map((t) => t.name) },
    });
    return { testCases, testResults: runTestCases(modelOf(newest), testCases) };
  });
}

/**
 * Publishes the newest draft. Refused while any test case fails (the failing cases are in the
 * problem body); `version`, when sent, must be the draft the publisher reviewed.
 */
export async function publishDecisionTable(actor: Actor, key: string, input: unknown = {}): Promise<PublishResult> {
  requirePermission(actor, "rules:edit");
  const body = parse(publishSchema, input ?? {}, "Publish");
  return transaction(async (tx) => {
    await lockTableKey(tx, key);
    const table = await findTable(key, tx);
    const newest = table ? await findNewestVersion(key, tx) : null;
    if (!table || !newest) throw notFound(key);
    if (table.archivedAt) throw archivedError(key);
    if (newest.status !== "DRAFT") {
      throw new AppError("CONFLICT", `Nothing to publish: version ${newest.version} of "${key}" is already published. Upload a changed table first.`, {
        details: { publishedVersion: newest.version },
      });
    }
    if (body.version !== undefined && body.version !== newest.version) {
      throw new AppError("VERSION_MISMATCH", `The draft is now version ${newest.version}, not ${body.version}: review it before publishing.`, { details: { draft: newest.version } });
    }
    const model = modelOf(newest);
    const testCases = testCasesOf(table.testCases);
    const testResults = runTestCases(model, testCases);
    const failing = testResults.filter((r) => !r.passed);
    if (failing.length > 0) {
      throw new AppError(
        "DECISION_TEST_CASES_FAILED",
        `Version ${newest.version} fails ${failing.length} of ${testResults.length} test cases (${failing.map((f) => `"${f.name}"`).join(", ")}); fix the table or the test cases, then publish.`,
        { details: { version: newest.version, failing } },
      );
    }
    const published = await findLatestPublished(key, tx);
    const diff = diffTables(key, published ? { version: published.version, model: modelOf(published) } : null, { version: newest.version, model });
    const publishedAt = await publishVersionIf(tx, newest.id, { publishedById: actor.type === "USER" ? actor.id : null, testCases: testCases });
    if (!publishedAt) throw new AppError("CONFLICT", `Version ${newest.version} of "${key}" was published meanwhile.`);
    tx.audit(actor, {
      action: "decision_table.published",
      subjectType: "decision_table",
      subjectId: key,
      before: published ? { version: published.version } : null,
      after: { version: newest.version, rules: model.rules.length, hitPolicy: model.hitPolicy, testCases: testCases.length, changes: diff.summary },
    });
    return { key, version: newest.version, publishedAt: publishedAt.toISOString(), diff, testResults };
  });
}

/** Rules of the latest published version that decided nothing in the last `days` days (from the audit log), so they can be pruned. */
export async function listUnusedRules(actor: Actor, key: string, query: unknown, now = new Date()): Promise<UnusedRules> {
  requirePermission(actor, "rules:edit");
  const { days } = parse(unusedRulesQuerySchema, query, "Query");
  const published = await findLatestPublished(key);
  if (!published) {
    if (!(await findTable(key))) throw notFound(key);
    throw new AppError("NOT_FOUND", `Decision table "${key}" has no published version yet.`);
  }
  const since = new Date(now.getTime() - days * 24 * 60 * 60 * 1000);
  const fired = await firedRuleIdsSince(key, since);
  const rules = modelOf(published)
    .rules.map((r, n) => ({ id: r.id, index: n + 1, annotation: r.annotation }))
    .filter((r) => !fired.has(r.id));
  return { key, version: published.version, days, since: since.toISOString(), rules };
}

/** Archives a table (`archived: true`) or restores it: an archived table keeps its versions but takes no drafts, publishes or evaluations. */
export async function setDecisionTableArchived(actor: Actor, key: string, archived: boolean): Promise<TableSummary> {
  requirePermission(actor, "rules:edit");
  return transaction(async (tx) => {
    await lockTableKey(tx, key);
    const table = await findTable(key, tx);
    if (!table) throw notFound(key);
    const changed = await setArchivedIf(tx, key, archived ? new Date() : null);
    if (!changed) throw new AppError("CONFLICT", archived ? `Decision table "${key}" is already archived.` : `Decision table "${key}" is not archived.`);
    tx.audit(actor, {
      action: archived ? "decision_table.archived" : "decision_table.restored",
      subjectType: "decision_table",
      subjectId: key,
      before: { archived: !archived },
      after: { archived },
    });
    const after = await findTable(key, tx);
    return summariseTable(after!, await findVersions(key, tx));
  });
}
