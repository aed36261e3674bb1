import { z } from "zod";
import { transaction, type Tx } from "../db";
import { AppError, parse } from "../errors";
import { requirePermission, type Actor } from "../identity/actor";
import type { DmnVersion } from "./dmn-versions";
import type { DecisionModel } from "./drg";
import { answerDecision, runModelTestCases } from "./model-evaluate";
import {
  findModel,
  findModelVersion,
  findModelVersions,
  findModelXml,
  findNewestModelVersion,
  findPublishedModelVersion,
  insertModelIfAbsent,
  insertModelVersion,
  listModels,
  listModelVersions,
  lockModelKey,
  publishModelVersionIf,
  setModelArchivedIf,
  updateModelTestCases,
  type ModelRow,
  type ModelVersionRow,
} from "./model-repository";
import {
  modelEvaluateSchema,
  modelPublishSchema,
  modelTestCaseSchema,
  modelTestCasesSchema,
  modelUploadQuerySchema,
  type ModelDetail,
  type ModelEvaluation,
  type ModelPublishResult,
  type ModelSummary,
  type ModelTestCase,
  type ModelTestCaseResult,
  type ModelUploadResult,
} from "./model-schemas";
import { decisionsOf, modelChanges, parseModelUpload } from "./model-upload";

// DMN models as versioned objects of their own (issue #23, ADR 054): upload a .dmn file of any
// decisions as a draft, keep test cases over its decisions, publish behind the test-case gate,
// evaluate any decision (the API's what-if, process decision steps and routing), archive. Every
// change and every evaluation writes its audit entry in the same transaction.

const SUBJECT = "decision_model";

function notFound(key: string): AppError {
  return new AppError("NOT_FOUND", `No decision model "${key}".`);
}

function archivedError(key: string): AppError {
  return new AppError("CONFLICT", `Decision model "${key}" is archived: restore it first.`, { details: { archived: true } });
}

const graphOf = (row: ModelVersionRow): DecisionModel => row.graph as unknown as DecisionModel;
const testCasesOf = (json: unknown): ModelTestCase[] => z.array(modelTestCaseSchema).parse(json ?? []);
const what = (key: string, version: number) => `"${key}" v${version}`;

function summarise(model: ModelRow, versions: ModelVersionRow[]): ModelSummary {
  const newest = versions[0];
  return {
    key: model.key,
    namespace: model.namespace,
    name: model.name,
    archivedAt: model.archivedAt?.toISOString() ?? null,
    latestPublished: versions.find((v) => v.status === "PUBLISHED")?.version ?? null,
    draft: newest?.status === "DRAFT" ? newest.version : null,
    versions: versions.map((v) => ({
      version: v.version,
      status: v.status,
      dmnVersion: v.dmnVersion as DmnVersion,
      createdBy: v.createdByName,
      createdAt: v.createdAt.toISOString(),
      publishedAt: v.publishedAt?.toISOString() ?? null,
      decisions: graphOf(v).elements.filter((e) => e.kind === "decision").length,
    })),
  };
}

/**
 * Stores a .dmn file as a new draft version of its model. The model is found by the explicit
 * `key`, else by the key made from its name; a key whose model has another namespace or name is
 * refused (409), never merged into that model's history.
 */
export async function uploadDecisionModel(actor: Actor, xml: string, query: unknown = {}): Promise<ModelUploadResult> {
  requirePermission(actor, "rules:edit");
  const { key: explicitKey } = parse(modelUploadQuerySchema, query ?? {}, "Query");
  const upload = await parseModelUpload(xml);
  const key = explicitKey ?? upload.defaultKey;
  if (!key) {
    throw new AppError("DMN_INVALID", "The model has no name Baton can make a key of: give <definitions> a name, or upload it with ?key=…", { details: { elementId: upload.graph.definitionsId } });
  }
  return transaction(async (tx) => {
    await lockModelKey(tx, key);
    const existing = await findModel(key, tx);
    if (existing?.archivedAt) throw archivedError(key);
    if (existing && (existing.namespace !== upload.namespace || existing.name !== upload.name)) {
      throw new AppError(
        "CONFLICT",
        `The key "${key}" belongs to the model "${existing.name}" (namespace ${existing.namespace}); this file is the model "${upload.name}" (namespace ${upload.namespace}). ` +
          `A different model cannot reuse it: upload this one with another key (?key=…).`,
        { details: { key, model: { namespace: existing.namespace, name: existing.name }, uploaded: { namespace: upload.namespace, name: upload.name } } },
      );
    }
    await insertModelIfAbsent(tx, key, { namespace: upload.namespace, name: upload.name });
    const newest = await findNewestModelVersion(key, tx);
    const row = await insertModelVersion(tx, {
      modelKey: key,
      version: (newest?.version ?? 0) + 1,
      dmnVersion: upload.graph.dmnVersion,
      dmnXml: xml,
      graph: upload.graph,
      createdById: actor.type === "USER" ? actor.id : null,
      createdByName: actor.name,
    });
    tx.audit(actor, {
      action: "decision_model.draft_created",
      subjectType: SUBJECT,
      subjectId: key,
      after: { version: row.version, namespace: upload.namespace, name: upload.name, dmnVersion: upload.graph.dmnVersion, decisions: upload.decisions.map((d) => d.name) },
    });
    return { key, namespace: upload.namespace, name: upload.name, version: row.version, status: "DRAFT" as const, dmnVersion: upload.graph.dmnVersion, decisions: upload.decisions };
  });
}

export async function listDecisionModels(actor: Actor): Promise<{ data: ModelSummary[] }> {
  requirePermission(actor, "rules:edit");
  const [models, versions] = await Promise.all([listModels(), listModelVersions()]);
  const byModel = new Map<string, ModelVersionRow[]>();
  for (const v of versions) byModel.set(v.modelKey, [...(byModel.get(v.modelKey) ?? []), v]);
  return { data: models.map((m) => summarise(m, byModel.get(m.key) ?? [])) };
}

export async function getDecisionModel(actor: Actor, key: string): Promise<ModelDetail> {
  requirePermission(actor, "rules:edit");
  const model = await findModel(key);
  if (!model) throw notFound(key);
  const versions = await findModelVersions(key);
  const current = versions[0];
  if (!current) throw notFound(key);
  const published = versions.find((v) => v.status === "PUBLISHED") ?? null;
  const testCases = testCasesOf(model.testCases);
  return {
    ...summarise(model, versions),
    current: { version: current.version, status: current.status, decisions: decisionsOf(graphOf(current)) },
    published: published ? { version: published.version, decisions: decisionsOf(graphOf(published)) } : null,
    changes: current.status === "DRAFT" ? modelChanges(published ? { version: published.version, graph: graphOf(published) } : null, { version: current.version, graph: graphOf(current) }) : null,
    testCases,
    testResults: runModelTestCases(graphOf(current), testCases, what(key, current.version)),
  };
}

/** The DMN file a version was uploaded as (the newest version when none is named). */
export async function getDecisionModelXml(actor: Actor, key: string, version?: number): Promise<string> {
  requirePermission(actor, "rules:edit");
  const xml = await findModelXml(key, version);
  if (xml === null) throw new AppError("NOT_FOUND", version ? `Decision model "${key}" has no version ${version}.` : `No decision model "${key}".`);
  return xml;
}

/**
 * The version an evaluation uses: a pinned one (a draft too, for the API's what-if), else the
 * published one — for a process instance the one in effect when it started. An archived model
 * evaluates nothing.
 */
async function versionFor(tx: Tx, key: string, opts: { version?: number; instanceId?: string | null; publishedOnly?: boolean }): Promise<ModelVersionRow> {
  const model = await findModel(key, tx);
  if (!model) throw notFound(key);
  if (model.archivedAt) throw archivedError(key);
  const row = opts.version ? await findModelVersion(key, opts.version, tx) : await findPublishedModelVersion(key, opts.instanceId ?? null, tx);
  if (!row) throw new AppError("NOT_FOUND", opts.version ? `Decision model "${key}" has no version ${opts.version}.` : `Decision model "${key}" has no published version yet.`);
  if (opts.publishedOnly && row.status !== "PUBLISHED") {
    throw new AppError("CONFLICT", `Version ${row.version} of decision model "${key}" is a draft; publish it first.`, { details: { version: row.version } });
  }
  return row;
}

/** POST /decision-models/{key}/evaluate: one decision on JSON inputs, audited (decision_model.evaluated). */
export async function evaluateDecisionModel(actor: Actor, key: string, input: unknown): Promise<ModelEvaluation> {
  requirePermission(actor, "rules:edit");
  const body = parse(modelEvaluateSchema, input, "Evaluation");
  return transaction((tx) => evaluateDecisionModelInTx(tx, actor, key, body.decision, body.inputs, { version: body.version }), { batched: true });
}

/**
 * A decision (name or id) of a model, evaluated in the caller's transaction — what process
 * decision steps and routing call. Without a pinned version: the published version, and for an
 * instance the one in effect when it started. Drafts only when pinned and `publishedOnly` is not
 * set. Audited as decision_model.evaluated with the version, decision, inputs and value.
 */
export async function evaluateDecisionModelInTx(
  tx: Tx,
  actor: Actor,
  key: string,
  decision: string,
  inputs: Record<string, unknown>,
  opts: { version?: number; publishedOnly?: boolean; refs?: { taskId?: string; instanceId?: string } } = {},
): Promise<ModelEvaluation> {
  const refs = opts.refs ?? {};
  const row = await versionFor(tx, key, { version: opts.version, instanceId: refs.instanceId ?? null, publishedOnly: opts.publishedOnly });
  const answer = answerDecision(graphOf(row), decision, inputs, `decision model ${what(key, row.version)}`);
  tx.audit(actor, {
    action: "decision_model.evaluated",
    subjectType: SUBJECT,
    subjectId: key,
    taskId: refs.taskId ?? null,
    instanceId: refs.instanceId ?? null,
    after: { version: row.version, status: row.status, decision: answer.decision, inputs: answer.inputs, value: answer.value, problems: answer.problems },
  });
  return { key, version: row.version, status: row.status, decision: answer.decision, inputs: answer.inputs, value: answer.value };
}

/** Replaces the model's test cases; answers with how the newest version does on them. */
export async function replaceModelTestCases(actor: Actor, key: string, input: unknown): Promise<{ testCases: ModelTestCase[]; testResults: ModelTestCaseResult[] }> {
  requirePermission(actor, "rules:edit");
  const { testCases } = parse(modelTestCasesSchema, input, "Test cases");
  return transaction(async (tx) => {
    await lockModelKey(tx, key);
    const model = await findModel(key, tx);
    const newest = model ? await findNewestModelVersion(key, tx) : null;
    if (!model || !newest) throw notFound(key);
    if (model.archivedAt) throw archivedError(key);
    const before = testCasesOf(model.testCases);
    await updateModelTestCases(tx, key, testCases);
    tx.audit(actor, {
      action: "decision_model.test_cases_updated",
      subjectType: SUBJECT,
      subjectId: key,
      before: { count: before.length, names: before.map((t) => t.name) },
      after: { count: testCases.length, names: testCases.map((t) => t.name) },
    });
    return { testCases, testResults: runModelTestCases(graphOf(newest), testCases, what(key, newest.version)) };
  });
}

/** Publishes the newest draft; refused while any test case fails. `version`, when sent, must be the draft the publisher reviewed. */
export async function publishDecisionModel(actor: Actor, key: string, input: unknown = {}): Promise<ModelPublishResult> {
  requirePermission(actor, "rules:edit");
  const body = parse(modelPublishSchema, input ?? {}, "Publish");
  return transaction(async (tx) => {
    await lockModelKey(tx, key);
    const model = await findModel(key, tx);
    const newest = model ? await findNewestModelVersion(key, tx) : null;
    if (!model || !newest) throw notFound(key);
    if (model.archivedAt) throw archivedError(key);
    if (newest.status !== "DRAFT") {
      throw new AppError("CONFLICT", `Nothing to publish: version ${newest.version} of "${key}" is already published. Upload a changed model first.`, { details: { publishedVersion: newest.version } });
    }
    if (body.version !== undefined && body.version !== newest.version) {
      throw new AppError("VERSION_MISMATCH", `The draft is now version ${newest.version}, not ${body.version}: review it before publishing.`, { details: { draft: newest.version } });
    }
    const testCases = testCasesOf(model.testCases);
    const testResults = runModelTestCases(graphOf(newest), testCases, what(key, newest.version));
    const failing = testResults.filter((r) => !r.passed);
    if (failing.length > 0) {
      throw new AppError(
        "DECISION_TEST_CASES_FAILED",
        `Version ${newest.version} fails ${failing.length} of ${testResults.length} test cases (${failing.map((f) => `"${f.name}"`).join(", ")}); fix the model or the test cases, then publish.`,
        { details: { version: newest.version, failing } },
      );
    }
    const published = await findPublishedModelVersion(key, null, tx);
    const changes = modelChanges(published ? { version: published.version, graph: graphOf(published) } : null, { version: newest.version, graph: graphOf(newest) });
    const publishedAt = await publishModelVersionIf(tx, newest.id, { publishedById: actor.type === "USER" ? actor.id : null, testCases });
    if (!publishedAt) throw new AppError("CONFLICT", `Version ${newest.version} of "${key}" was published meanwhile.`);
    tx.audit(actor, {
      action: "decision_model.published",
      subjectType: SUBJECT,
      subjectId: key,
      before: published ? { version: published.version } : null,
      after: { version: newest.version, testCases: testCases.length, changes },
    });
    return { key, version: newest.version, publishedAt: publishedAt.toISOString(), changes, testResults };
  });
}

/** Archives (`archived: true`) or restores a model: its versions are kept, but it takes no drafts, test-case changes, publishes or evaluations. */
export async function setDecisionModelArchived(actor: Actor, key: string, archived: boolean): Promise<ModelSummary> {
  requirePermission(actor, "rules:edit");
  return transaction(async (tx) => {
    await lockModelKey(tx, key);
    if (!(await findModel(key, tx))) throw notFound(key);
    const changed = await setModelArchivedIf(tx, key, archived ? new Date() : null);
    if (!changed) throw new AppError("CONFLICT", archived ? `Decision model "${key}" is already archived.` : `Decision model "${key}" is not archived.`);
    tx.audit(actor, {
      action: archived ? "decision_model.archived" : "decision_model.restored",
      subjectType: SUBJECT,
      subjectId: key,
      before: { archived: !archived },
      after: { archived },
    });
    const after = await findModel(key, tx);
    return summarise(after!, await findModelVersions(key, tx));
  });
}
