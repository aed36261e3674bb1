import { ENUMS } from "../generated/db/schema";
import { z } from "zod";
import { versionNumber } from "../fields";
import { DMN_VERSIONS } from "./dmn-versions";
import { inputsSchema, uniqueTestCaseNames } from "./schemas";

// DMN models as versioned objects (ADR 054): one schema per shape, used by the REST handlers, the
// pages and the DTOs. No server imports.

const KEY_PATTERN = /^[A-Za-z_][\w.-]{0,99}$/;
const KEY_MESSAGE = 'must start with a letter and use letters, digits, "_", "-" or "." (at most 100)';
export const modelKeySchema = z.string().regex(KEY_PATTERN, KEY_MESSAGE);

/** Query of POST /decision-models: an explicit key instead of the one made from the model's name. */
export const modelUploadQuerySchema = z.object({ key: modelKeySchema.optional() }).strict();

export const LOGIC_KINDS = ["decisionTable", "literal", "context", "relation", "list", "invocation", "function", "conditional", "filter", "iterator"] as const;

/** A decision of a model as the API shows it: what it is, what it needs, what it answers. */
export const modelDecisionSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** The kind of its boxed expression (null: the decision has no logic). */
  logic: z.enum(LOGIC_KINDS).nullable(),
  typeRef: z.string().nullable(),
  /** The input data it reads, directly or through the decisions it requires: what a caller supplies. */
  inputData: z.array(z.object({ name: z.string(), typeRef: z.string().nullable() })),
  /** The decisions it requires (names). */
  requiredDecisions: z.array(z.string()),
  /** The business knowledge models and decision services it invokes (names). */
  requiredKnowledge: z.array(z.string()),
});
export type ModelDecision = z.infer<typeof modelDecisionSchema>;

const decisionRef = z.string().trim().min(1).max(200);

/** POST /decision-models/{key}/evaluate: one decision, by name or id, on JSON inputs (input data by name). */
export const modelEvaluateSchema = z
  .object({
    decision: decisionRef,
    inputs: inputsSchema.default({}),
    /** Pin a version (a draft too, for trying it out); default: the latest published version. */
    version: versionNumber().optional(),
  })
  .strict();

export const modelEvaluationSchema = z.object({
  key: z.string(),
  version: z.number().int(),
  status: z.enum(ENUMS.DecisionTableStatus),
  /** The decision's name. */
  decision: z.string(),
  /** The input data the decision read (the others sent are ignored). */
  inputs: z.record(z.string(), z.unknown()),
  /** The decision's value as JSON: numbers, strings, booleans, lists, contexts as objects, dates and durations as ISO strings. */
  value: z.unknown(),
});
export type ModelEvaluation = z.infer<typeof modelEvaluationSchema>;

export const modelTestCaseSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    /** The decision under test (name or id). */
    decision: decisionRef,
    inputs: inputsSchema,
    /** The value the decision must answer, as JSON (compared exactly; object keys in any order). */
    expected: z.unknown(),
  })
  .strict();
export type ModelTestCase = z.infer<typeof modelTestCaseSchema>;

export const modelTestCasesSchema = z.object({ testCases: z.array(modelTestCaseSchema).max(200) }).strict().superRefine(uniqueTestCaseNames);

export const modelTestCaseResultSchema = z.object({
  name: z.string(),
  decision: z.string(),
  passed: z.boolean(),
  expected: z.unknown(),
  /** What the decision answered (null when it could not). */
  actual: z.unknown(),
  /** Why the decision could not answer, when it could not. */
  error: z.string().nullable(),
});
export type ModelTestCaseResult = z.infer<typeof modelTestCaseResultSchema>;

const modelVersionSummarySchema = z.object({
  version: z.number().int(),
  status: z.enum(ENUMS.DecisionTableStatus),
  dmnVersion: z.enum(DMN_VERSIONS),
  createdBy: z.string(),
  createdAt: z.string(),
  publishedAt: z.string().nullable(),
  decisions: z.number().int(),
});
export type ModelVersionSummary = z.infer<typeof modelVersionSummarySchema>;

export const modelSummarySchema = z.object({
  key: z.string(),
  /** The model's identity: its definitions' namespace and name. */
  namespace: z.string(),
  name: z.string(),
  archivedAt: z.string().nullable(),
  latestPublished: z.number().int().nullable(),
  /** The newest version if it is not published yet. */
  draft: z.number().int().nullable(),
  versions: z.array(modelVersionSummarySchema),
});
export type ModelSummary = z.infer<typeof modelSummarySchema>;

/** Elements (decisions, BKMs, input data, decision services) added, removed and changed between two versions, by name. */
export const modelChangesSchema = z.object({
  from: z.number().int().nullable(),
  to: z.number().int(),
  added: z.array(z.string()),
  removed: z.array(z.string()),
  changed: z.array(z.string()),
});
export type ModelChanges = z.infer<typeof modelChangesSchema>;

export const modelDetailSchema = modelSummarySchema.extend({
  /** The version shown: the draft if there is one, else the latest published. */
  current: z.object({ version: z.number().int(), status: z.enum(ENUMS.DecisionTableStatus), decisions: z.array(modelDecisionSchema) }),
  published: z.object({ version: z.number().int(), decisions: z.array(modelDecisionSchema) }).nullable(),
  /** What publishing the draft would change against the published version (null when nothing is a draft). */
  changes: modelChangesSchema.nullable(),
  testCases: z.array(modelTestCaseSchema),
  /** The current version run against the test cases. */
  testResults: z.array(modelTestCaseResultSchema),
});
export type ModelDetail = z.infer<typeof modelDetailSchema>;

export const modelUploadResultSchema = z.object({
  key: z.string(),
  namespace: z.string(),
  name: z.string(),
  version: z.number().int(),
  status: z.literal("DRAFT"),
  dmnVersion: z.enum(DMN_VERSIONS),
  decisions: z.array(modelDecisionSchema),
});
export type ModelUploadResult = z.infer<typeof modelUploadResultSchema>;

export const modelPublishResultSchema = z.object({
  key: z.string(),
  version: z.number().int(),
  publishedAt: z.string(),
  changes: modelChangesSchema,
  testResults: z.array(modelTestCaseResultSchema),
});
export type ModelPublishResult = z.infer<typeof modelPublishResultSchema>;

/** Optional body of POST …/publish: the draft version the publisher reviewed. */
export const modelPublishSchema = z.object({ version: versionNumber().optional() }).strict();
