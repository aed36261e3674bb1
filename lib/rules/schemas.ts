import { ENUMS } from "../generated/db/schema";
import { z } from "zod";
import { versionNumber } from "../fields";
import type { DmnVersion } from "./dmn-versions";

// Decision tables (DMN 1.3). One schema per shape, used by the REST handlers, the browser and
// the DTOs. No server imports: the table page renders these shapes.

export const HIT_POLICIES = ["UNIQUE", "FIRST", "PRIORITY", "ANY", "COLLECT", "RULE ORDER", "OUTPUT ORDER"] as const;
const hitPolicySchema = z.enum(HIT_POLICIES);
export type HitPolicy = z.infer<typeof hitPolicySchema>;

export const AGGREGATIONS = ["SUM", "MIN", "MAX", "COUNT"] as const;
const aggregationSchema = z.enum(AGGREGATIONS);
export type Aggregation = z.infer<typeof aggregationSchema>;

/**
 * The FEEL base types Baton checks cells and inputs against. DMN files spell them several ways
 * (`integer`, `dateTime`, `date and time`, `dayTimeDuration`…); `normaliseTypeRef` maps them here.
 * `any` means "no check" (no typeRef, or an item definition Baton does not interpret).
 */
export const FEEL_TYPES = ["string", "number", "boolean", "date", "time", "dateTime", "duration", "any"] as const;
export type FeelType = (typeof FEEL_TYPES)[number];

const cellSchema = z.object({ id: z.string(), text: z.string() });
export type Cell = z.infer<typeof cellSchema>;

const tableInputSchema = z.object({
  id: z.string(),
  label: z.string().nullable(),
  /** The FEEL expression evaluated against the inputs, usually a variable name (`amount`). */
  expression: z.string(),
  expressionId: z.string().nullable(),
  typeRef: z.string().nullable(),
  /** Allowed values as FEEL unary tests, e.g. `"low","medium","high"`. */
  inputValues: z.string().nullable(),
});
export type TableInput = z.infer<typeof tableInputSchema>;

const tableOutputSchema = z.object({
  id: z.string(),
  /** The key of this output in every result object. */
  name: z.string(),
  label: z.string().nullable(),
  typeRef: z.string().nullable(),
  /** Allowed values in priority order (PRIORITY and OUTPUT ORDER use the order). */
  outputValues: z.string().nullable(),
  /** FEEL expression used when no rule matches. */
  defaultOutput: z.string().nullable(),
});
export type TableOutput = z.infer<typeof tableOutputSchema>;

const tableRuleSchema = z.object({
  id: z.string(),
  /** The rule's annotation (DMN `description`, or the first annotation column). */
  annotation: z.string().nullable(),
  inputEntries: z.array(cellSchema),
  outputEntries: z.array(cellSchema),
});
export type TableRule = z.infer<typeof tableRuleSchema>;

export const decisionTableModelSchema = z.object({
  /** The DMN decision id: the table's key in Baton. */
  key: z.string(),
  name: z.string(),
  /** Id of the `decisionTable` element (error messages point at it). */
  tableId: z.string().nullable(),
  hitPolicy: hitPolicySchema,
  aggregation: aggregationSchema.nullable(),
  inputs: z.array(tableInputSchema),
  outputs: z.array(tableOutputSchema),
  rules: z.array(tableRuleSchema),
  /**
   * The whole decision model (lib/rules/drg.ts) when the table's decision requires other
   * decisions or knowledge: evaluating the table evaluates those first, from the model's input data.
   */
  graph: z
    .custom<DecisionModel>((v) => typeof v === "object" && v !== null && Array.isArray((v as DecisionModel).elements))
    .meta({ override: { type: "object", description: "The decision model (decision requirements graph) the table's decision belongs to" } })
    .optional(),
});
export type DecisionTableModel = z.infer<typeof decisionTableModelSchema>;

// A whole decision model (a decision requirements graph) as lib/rules/drg.ts reads it: plain JSON,
// stored with a table whose decision requires other decisions or knowledge.

export interface ItemDefinition {
  name: string;
  typeRef: string | null;
  allowedValues: string | null;
  /** DMN 1.5: unary tests a collection's items must pass (allowedValues applies to the collection itself). */
  typeConstraint: string | null;
  isCollection: boolean;
  components: ItemDefinition[];
  /** A function type (DMN 1.2+ `functionItem`). */
  isFunction: boolean;
}

export type BoxedExpression =
  | { kind: "literal"; id: string | null; typeRef: string | null; text: string }
  | { kind: "decisionTable"; id: string | null; typeRef: string | null; table: DecisionTableModel }
  | { kind: "context"; id: string | null; typeRef: string | null; entries: { name: string | null; typeRef: string | null; value: BoxedExpression | null }[] }
  | { kind: "relation"; id: string | null; typeRef: string | null; columns: string[]; rows: (BoxedExpression | null)[][] }
  | { kind: "list"; id: string | null; typeRef: string | null; items: (BoxedExpression | null)[] }
  | { kind: "invocation"; id: string | null; typeRef: string | null; fn: string; bindings: { name: string; value: BoxedExpression | null }[] }
  | { kind: "function"; id: string | null; typeRef: string | null; language: "FEEL" | "Java" | "PMML"; parameters: { name: string; typeRef: string | null }[]; body: BoxedExpression | null }
  | { kind: "conditional"; id: string | null; typeRef: string | null; if: BoxedExpression | null; then: BoxedExpression | null; else: BoxedExpression | null }
  | { kind: "filter"; id: string | null; typeRef: string | null; in: BoxedExpression | null; match: BoxedExpression | null }
  | { kind: "iterator"; id: string | null; typeRef: string | null; iterator: "for" | "some" | "every"; variable: string; in: BoxedExpression | null; body: BoxedExpression | null };

export type DrgElement =
  | { kind: "inputData"; id: string; name: string; typeRef: string | null }
  | { kind: "decision"; id: string; name: string; typeRef: string | null; requiredDecisions: string[]; requiredInputs: string[]; requiredKnowledge: string[]; logic: BoxedExpression | null }
  | { kind: "bkm"; id: string; name: string; typeRef: string | null; requiredKnowledge: string[]; logic: Extract<BoxedExpression, { kind: "function" }> | null }
  | { kind: "decisionService"; id: string; name: string; typeRef: string | null; outputDecisions: string[]; encapsulatedDecisions: string[]; inputDecisions: string[]; inputData: string[] };

export interface DecisionModel {
  dmnVersion: DmnVersion;
  namespace: string;
  name: string;
  definitionsId: string | null;
  itemDefinitions: ItemDefinition[];
  elements: DrgElement[];
}

const MAX_INPUTS_BYTES = 64 * 1024;
/** JSON inputs of an evaluation or a test case (name → value), at most 64 KB. */
export const inputsSchema = z
  .record(z.string().max(200), z.unknown())
  .refine((c) => JSON.stringify(c).length <= MAX_INPUTS_BYTES, { message: `must be at most ${MAX_INPUTS_BYTES / 1024} KB of JSON` });

export const evaluateSchema = z
  .object({
    inputs: inputsSchema,
    /** Pin a version (a draft too, for trying it out); default: the latest published version. */
    version: versionNumber().optional(),
  })
  .strict();

const outputObjectSchema = z.record(z.string(), z.unknown());

const matchedRuleSchema = z.object({
  id: z.string(),
  /** 1-based row number in the table. */
  index: z.number().int(),
  annotation: z.string().nullable(),
});
export type MatchedRule = z.infer<typeof matchedRuleSchema>;

const evaluationResultSchema = z.object({
  /** Always a list, even for single-result hit policies: one object (output name → value) per result. */
  outputs: z.array(outputObjectSchema),
  matchedRules: z.array(matchedRuleSchema),
});
export type EvaluationResult = z.infer<typeof evaluationResultSchema>;

export const evaluationDtoSchema = evaluationResultSchema.extend({
  key: z.string(),
  version: z.number().int(),
  status: z.enum(ENUMS.DecisionTableStatus),
});
export type EvaluationDto = z.infer<typeof evaluationDtoSchema>;

export const testCaseSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    inputs: inputsSchema,
    /** The outputs the table must answer, exactly (same list, same order). */
    expected: z.array(outputObjectSchema).max(100),
  })
  .strict();
export type TestCase = z.infer<typeof testCaseSchema>;

/** Test case names must be unique within a table or model. */
export function uniqueTestCaseNames(v: { testCases: { name: string }[] }, ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  v.testCases.forEach((t, i) => {
    if (seen.has(t.name)) ctx.addIssue({ code: "custom", path: ["testCases", i, "name"], message: `Test case names must be unique ("${t.name}")` });
    seen.add(t.name);
  });
}

export const testCasesSchema = z.object({ testCases: z.array(testCaseSchema).max(200) }).strict().superRefine(uniqueTestCaseNames);

export const testCaseResultSchema = z.object({
  name: z.string(),
  passed: z.boolean(),
  expected: z.array(outputObjectSchema),
  actual: z.array(outputObjectSchema).nullable(),
  matchedRules: z.array(z.string()),
  /** Why the table could not answer (UNIQUE violation, bad input…), when it could not. */
  error: z.string().nullable(),
});
export type TestCaseResult = z.infer<typeof testCaseResultSchema>;

const ruleChangeSchema = z.object({
  ruleId: z.string(),
  change: z.enum(["added", "removed", "changed", "moved"]),
  /** 1-based rows: before (published) and after (draft). */
  before: z.number().int().nullable(),
  after: z.number().int().nullable(),
  /** The cells that differ, for `changed`: column label → [published, draft]. */
  cells: z.array(z.object({ column: z.string(), before: z.string().nullable(), after: z.string().nullable() })),
});
export type RuleChange = z.infer<typeof ruleChangeSchema>;

export const tableDiffSchema = z.object({
  key: z.string(),
  from: z.number().int().nullable(),
  to: z.number().int().nullable(),
  /** Changes to the table itself (hit policy, columns). */
  table: z.array(z.string()),
  rules: z.array(ruleChangeSchema),
  summary: z.object({ added: z.number().int(), removed: z.number().int(), changed: z.number().int(), moved: z.number().int() }),
});
export type TableDiff = z.infer<typeof tableDiffSchema>;

const versionSummarySchema = z.object({
  version: z.number().int(),
  status: z.enum(ENUMS.DecisionTableStatus),
  createdBy: z.string(),
  createdAt: z.string(),
  publishedAt: z.string().nullable(),
  rules: z.number().int(),
  hitPolicy: hitPolicySchema,
});
export type VersionSummary = z.infer<typeof versionSummarySchema>;

export const tableSummarySchema = z.object({
  key: z.string(),
  name: z.string(),
  /** The DMN model the table belongs to (null for tables stored before models were recorded). */
  model: z.object({ namespace: z.string(), name: z.string() }).nullable(),
  /** When the table was archived; null while it is in use. */
  archivedAt: z.string().nullable(),
  latestPublished: z.number().int().nullable(),
  /** The newest version if it is not published yet. */
  draft: z.number().int().nullable(),
  versions: z.array(versionSummarySchema),
});
export type TableSummary = z.infer<typeof tableSummarySchema>;

export const tableDetailSchema = tableSummarySchema.extend({
  /** The version shown: the draft if there is one, else the latest published. */
  current: z.object({ version: z.number().int(), status: z.enum(ENUMS.DecisionTableStatus), model: decisionTableModelSchema }),
  published: z.object({ version: z.number().int(), model: decisionTableModelSchema }).nullable(),
  testCases: z.array(testCaseSchema),
  /** The current version run against the test cases. */
  testResults: z.array(testCaseResultSchema),
});
export type TableDetail = z.infer<typeof tableDetailSchema>;

export const uploadResultSchema = z.object({
  tables: z.array(z.object({ key: z.string(), name: z.string(), version: z.number().int(), status: z.literal("DRAFT"), rules: z.number().int() })),
});
export type UploadResult = z.infer<typeof uploadResultSchema>;

export const publishResultSchema = z.object({
  key: z.string(),
  version: z.number().int(),
  publishedAt: z.string(),
  diff: tableDiffSchema,
  testResults: z.array(testCaseResultSchema),
});
export type PublishResult = z.infer<typeof publishResultSchema>;

/** Query of POST /decision-tables: an explicit key for the (single) table of the file, instead of its decision id. */
export const uploadQuerySchema = z
  .object({
    key: z
      .string()
      .regex(/^[A-Za-z_][\w.-]{0,99}$/, 'must start with a letter and use letters, digits, "_", "-" or "." (at most 100)')
      .optional(),
  })
  .strict();

/** Optional body of POST …/publish: the draft version the publisher reviewed. */
export const publishSchema = z.object({ version: versionNumber().optional() }).strict();

export const unusedRulesQuerySchema = z.object({ days: z.coerce.number().int().min(1).max(3650).default(90) });

export const unusedRulesSchema = z.object({
  key: z.string(),
  version: z.number().int(),
  days: z.number().int(),
  since: z.string(),
  /** Rules of that version that decided no audited evaluation in the period: candidates for pruning. */
  rules: z.array(matchedRuleSchema),
});
export type UnusedRules = z.infer<typeof unusedRulesSchema>;
