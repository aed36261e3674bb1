import type { Tx } from "../db";
import { AppError, isAppError } from "../errors";
import type { Actor } from "../identity/actor";
import { parseDurationMs } from "../duration";
import { findLatestPublished, findTable, findVersion } from "../rules/repository";
import { defaultInputs } from "../rules/evaluate";
import { decisionTableModelSchema } from "../rules/schemas";
import { evaluateDecisionInTx, evaluateModelDecisionInTx } from "../rules/service";
import { evaluateDecisionModelInTx } from "../rules/models";
import { findGroup, findPerson, groupMembers, lockRoutingCursor, advanceRoutingCursor, openWorkByPriority, type PersonWithDelegate } from "./repository";
import { AUTO_APPROVE_ROUTE, PRIORITY_WEIGHTS, type RoutingDecision, type RoutingSpec, type RoutingTarget } from "./schemas";
import { eligibleMembers, firstMatchingRule, isOutOfOffice, leastLoaded, nextInTurn, readVar, weightedLoad } from "./select";

// Routing runs inside the transaction that creates the task: the choice, the task row and the
// `task.routed` audit entry commit together (or not at all).

interface RoutingRequest {
  assignee?: string;
  candidateGroup?: string;
  requiredSkills: string[];
  routing?: RoutingSpec;
  context: Record<string, unknown>;
  requesterId: string | null;
  /** People who may not take it (they decided an earlier step of the same case): skipped like the requester. */
  excludedIds?: string[];
  now?: Date;
  /** decision_table: who evaluates (the task's creator) and the ids its `decision_table.evaluated` entry carries. */
  actor?: Actor;
  refs?: { taskId?: string; instanceId?: string };
}

type Priority = keyof typeof PRIORITY_WEIGHTS;

/** What a decision table set besides the person: applied to the task by createTask. */
interface RoutingOverrides {
  approvalsRequired?: number;
  priority?: Priority;
  dueAt?: Date;
}

interface RoutingResult {
  assigneeId: string | null;
  candidateGroupId: string | null;
  delegatedFromId: string | null;
  decision: RoutingDecision;
  overrides?: RoutingOverrides;
  /** The decision table said no person is needed: the task is created already approved, with this reason. */
  autoApprove?: { reason: string };
}

/** At most this many hops along delegate → delegate when several people are away. */
const MAX_DELEGATION_HOPS = 5;

function invalid(path: string, message: string, detail: string): AppError {
  return new AppError("VALIDATION_FAILED", detail, { fieldErrors: [{ path, message }] });
}

/** Turns the request into one concrete target: the strategy, a person and/or a group. */
function resolveTarget(req: RoutingRequest): { target: Required<Pick<RoutingTarget, "strategy">> & RoutingTarget; conditions?: RoutingDecision["conditions"] } {
  const r = req.routing;
  const fallback: RoutingTarget | null =
    req.assignee || req.candidateGroup ? { assignee: req.assignee, group: req.candidateGroup } : null;
  if (!r) {
    if (!fallback) throw invalid("candidateGroup", "Name an assignee or a candidate group", "Name an assignee, a candidate group or a routing rule.");
    return { target: { ...fallback, strategy: fallback.assignee ? "direct" : "group" } };
  }
  if (r.strategy === "conditions") {
    const match = firstMatchingRule(r.rules ?? [], req.context);
    const chosen = match.rule?.then ?? r.otherwise ?? fallback;
    if (!chosen) {
      throw invalid("routing.otherwise", "no rule matched", "No routing rule matched the task context, and there is no `otherwise` target.");
    }
    return {
      target: { ...chosen, strategy: chosen.strategy ?? (chosen.assignee ? "direct" : "group") },
      conditions: { matchedRule: match.index, inputs: match.inputs },
    };
  }
  if (r.strategy === "decision_table" || r.strategy === "decision_model") throw new Error(`${r.strategy} routing is resolved by chooseByDecisionTable`);
  return {
    target: { strategy: r.strategy, assignee: r.assignee ?? req.assignee, group: r.group ?? req.candidateGroup },
  };
}

/** The delegate chain of an away person: the first one who is active and present. */
async function availableDelegate(tx: Tx, person: PersonWithDelegate, now: Date): Promise<PersonWithDelegate | null> {
  const seen = new Set([person.id]);
  let cur = person;
  for (let hop = 0; hop < MAX_DELEGATION_HOPS && cur.delegateId && !seen.has(cur.delegateId); hop++) {
    seen.add(cur.delegateId);
    const next = await findPerson(tx, cur.delegateId);
    if (!next) return null;
    if (next.active && !isOutOfOffice(next, now)) return next;
    cur = next;
  }
  return null;
}

export async function routeTask(tx: Tx, req: RoutingRequest): Promise<RoutingResult> {
  const strategy = req.routing?.strategy;
  if (strategy !== "decision_table" && strategy !== "decision_model") return routeToTarget(tx, req, resolveTarget(req));
  const now = req.now ?? new Date();
  const choice = strategy === "decision_model" ? await chooseByDecisionModel(tx, req, now) : await chooseByDecisionTable(tx, req, now);
  if ("autoApprove" in choice) {
    return {
      assigneeId: null,
      candidateGroupId: null,
      delegatedFromId: null,
      overrides: choice.overrides,
      autoApprove: { reason: choice.autoApprove },
      decision: { strategy: "auto_approve", decisionTable: choice.decisionTable, group: null, chosen: null, requiredSkills: req.requiredSkills, candidates: [], skipped: [], reason: choice.autoApprove },
    };
  }
  const routed = await routeToTarget(tx, req, { target: choice.target, decisionTable: choice.decisionTable });
  const rule = choice.decisionTable.matchedRules[0];
  const which = choice.decisionTable.decision ? ` decision "${choice.decisionTable.decision}"` : rule ? ` rule ${rule.id}` : " (no rule matched)";
  const by = `${choice.decisionTable.key} v${choice.decisionTable.version}${which}`;
  return { ...routed, overrides: choice.overrides, decision: { ...routed.decision, reason: `${by}: ${routed.decision.reason}` } };
}

type TableChoice = { decisionTable: NonNullable<RoutingDecision["decisionTable"]>; overrides: RoutingOverrides } & (
  | { autoApprove: string }
  | { target: Required<Pick<RoutingTarget, "strategy">> & RoutingTarget }
);

const SIMPLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Evaluates the routing table (latest published version, or the pinned one) in the creating
 * transaction, so `decision_table.evaluated` commits with the task, and turns its first output
 * into a target. Every way the table cannot answer is a 422 naming the table.
 */
async function chooseByDecisionTable(tx: Tx, req: RoutingRequest, now: Date): Promise<TableChoice> {
  const spec = req.routing!;
  const key = spec.table!;
  const fail = (message: string, detail: string, path = "routing.table") =>
    new AppError("VALIDATION_FAILED", `Routing by decision table "${key}": ${detail}`, { fieldErrors: [{ path, message }] });
  if (!req.actor) throw new Error("decision_table routing needs the acting actor");

  const row = spec.version ? await findVersion(key, spec.version, tx) : await findLatestPublished(key, tx);
  if (!row) {
    if (!(await findTable(key, tx))) throw fail("unknown decision table", "there is no such table.");
    throw spec.version
      ? fail("unknown version", `it has no version ${spec.version}.`, "routing.version")
      : fail("no published version", "it has no published version yet; publish one before it routes work.");
  }
  if (row.status !== "PUBLISHED") throw fail("draft version", `version ${row.version} is a draft; publish it before it routes work.`, "routing.version");
  const model = decisionTableModelSchema.parse(row.model);

  const wrapError = (e: unknown): never => {
    if (!isAppError(e) || e.status >= 500) throw e;
    throw new AppError(e.code === "DECISION_EVALUATION_FAILED" ? e.code : "VALIDATION_FAILED", `Routing by decision table "${key}" v${row.version}: ${e.message}`, {
      details: e.details,
      fieldErrors: [{ path: "routing.table", message: e.message }],
    });
  };
  if (spec.decision) {
    // Any decision of the model: its value (a context) is read like a table's first output.
    const mapped = spec.inputs ? Object.fromEntries(Object.entries(spec.inputs).map(([name, path]) => [name, readVar(req.context, path) ?? null])) : req.context;
    const evaluated = await evaluateModelDecisionInTx(tx, req.actor, key, spec.decision, mapped, row.version, req.refs).catch(wrapError);
    const value = evaluated.value;
    if (value === null || typeof value !== "object" || Array.isArray(value)) throw fail("invalid output", `its decision "${evaluated.decision}" answered ${JSON.stringify(value)}, not a context (candidateGroup, assignee, approvals…).`, "routing.decision");
    return applyOutput(fail, req, now, key, { version: evaluated.version, matchedRules: [], decision: evaluated.decision }, evaluated.inputs, value as Record<string, unknown>);
  }
  let mapping = spec.inputs;
  if (!mapping) {
    mapping = {};
    for (const { name, label } of defaultInputs(model)) {
      if (!SIMPLE_NAME.test(name)) {
        throw fail("map the table's inputs", `its input "${label}" is the expression "${name}"; name the context values it reads with routing.inputs.`, "routing.inputs");
      }
      mapping[name] = name;
    }
  }
  const inputs: Record<string, unknown> = {};
  const missing: string[] = [];
  for (const [name, path] of Object.entries(mapping)) {
    const value = readVar(req.context, path);
    if (value === undefined || value === null) missing.push(name === path ? `"${name}"` : `"${name}" (context "${path}")`);
    else inputs[name] = value;
  }
  if (missing.length) throw fail("missing input", `the task context has no value for ${missing.join(", ")}.`, "context");

  const evaluation = await evaluateDecisionInTx(tx, req.actor, key, inputs, row.version, req.refs).catch(wrapError);
  return applyOutput(fail, req, now, key, evaluation, inputs, evaluation.outputs[0] ?? null);
}

/**
 * Routing by a decision of a DMN model (ADR 054): the published version — for a task of a process
 * instance, the one in effect when the instance started — evaluated in the creating transaction
 * (decision_model.evaluated commits with the task); its value, a context, is read like a table's
 * first output. Every way it cannot answer is a 422 naming the model.
 */
async function chooseByDecisionModel(tx: Tx, req: RoutingRequest, now: Date): Promise<TableChoice> {
  const spec = req.routing!;
  const key = spec.model!;
  const fail = (message: string, detail: string, path = "routing.model") =>
    new AppError("VALIDATION_FAILED", `Routing by decision model "${key}": ${detail}`, { fieldErrors: [{ path, message }] });
  if (!req.actor) throw new Error("decision_model routing needs the acting actor");
  const mapped = spec.inputs ? Object.fromEntries(Object.entries(spec.inputs).map(([name, path]) => [name, readVar(req.context, path) ?? null])) : req.context;
  const evaluated = await evaluateDecisionModelInTx(tx, req.actor, key, spec.decision!, mapped, { version: spec.version, publishedOnly: true, refs: req.refs }).catch((e: unknown): never => {
    if (!isAppError(e) || e.status >= 500) throw e;
    throw new AppError(e.code === "DECISION_EVALUATION_FAILED" ? e.code : "VALIDATION_FAILED", `Routing by decision model "${key}": ${e.message}`, {
      details: e.details,
      fieldErrors: [{ path: "routing.model", message: e.message }],
    });
  });
  const value = evaluated.value;
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw fail("invalid output", `its decision "${evaluated.decision}" answered ${JSON.stringify(value)}, not a context (candidateGroup, assignee, approvals…).`, "routing.decision");
  }
  const choice = applyOutput(fail, req, now, key, { version: evaluated.version, matchedRules: [], decision: evaluated.decision }, evaluated.inputs, value as Record<string, unknown>);
  return { ...choice, decisionTable: { ...choice.decisionTable, model: true } };
}

/** Turns a table's first output (or a decision's context) into overrides and a target, or an auto-approval. */
function applyOutput(
  fail: (message: string, detail: string, path?: string) => AppError,
  req: RoutingRequest,
  now: Date,
  key: string,
  evaluation: { version: number; matchedRules: NonNullable<RoutingDecision["decisionTable"]>["matchedRules"]; decision?: string },
  inputs: Record<string, unknown>,
  output: Record<string, unknown> | null,
): TableChoice {
  const decisionTable = { key, version: evaluation.version, ...(evaluation.decision ? { decision: evaluation.decision } : {}), matchedRules: evaluation.matchedRules, inputs, output, autoApproved: false };
  const text = (name: string): string | undefined => {
    const v = output?.[name];
    return typeof v === "string" && v.trim() ? v.trim() : undefined;
  };
  const overrides: RoutingOverrides = {};
  const approvals = output?.approvals;
  if (approvals !== undefined && approvals !== null) {
    if (typeof approvals !== "number" || !Number.isInteger(approvals) || approvals < 0 || approvals > 5) {
      throw fail("invalid output", `its output approvals = ${JSON.stringify(approvals)} is not a whole number from 0 to 5.`);
    }
    if (approvals >= 1) overrides.approvalsRequired = approvals;
  }
  const priority = output?.priority;
  if (priority !== undefined && priority !== null) {
    if (typeof priority !== "string" || !(priority in PRIORITY_WEIGHTS)) throw fail("invalid output", `its output priority = ${JSON.stringify(priority)} is not LOW, NORMAL, HIGH or URGENT.`);
    overrides.priority = priority as Priority;
  }
  const dueIn = output?.dueIn;
  if (dueIn !== undefined && dueIn !== null) {
    const ms = typeof dueIn === "string" ? parseDurationMs(dueIn) : null;
    if (ms === null) throw fail("invalid output", `its output dueIn = ${JSON.stringify(dueIn)} is not an ISO 8601 duration such as PT8H.`);
    overrides.dueAt = new Date(now.getTime() + ms);
  }

  const group = text("candidateGroup");
  const assignee = text("assignee");
  const rule = evaluation.matchedRules[0];
  const by = evaluation.decision ? `decision "${evaluation.decision}"` : rule ? `rule ${rule.id}${rule.annotation ? ` (${rule.annotation})` : ""}` : null;
  if (output && by && (text("route") === AUTO_APPROVE_ROUTE || (!group && !assignee && approvals === 0))) {
    return {
      decisionTable: { ...decisionTable, autoApproved: true },
      overrides: { ...overrides, approvalsRequired: 1 },
      autoApprove: `Auto-approved by ${key} v${evaluation.version} ${by}.`,
    };
  }
  // No rule matched, or it named nobody: the task's own assignee / candidate group, if any.
  const target = group || assignee ? { assignee, group } : { assignee: req.assignee, group: req.candidateGroup };
  if (!target.assignee && !target.group) {
    throw fail(
      output ? "no target" : "no rule matched",
      output ? `${by ?? "its answer"} names no candidateGroup or assignee.` : `no rule matched ${JSON.stringify(inputs)}, and the task names no assignee or candidate group.`,
    );
  }
  return { decisionTable, overrides, target: { ...target, strategy: target.assignee ? "direct" : "group" } };
}

async function routeToTarget(
  tx: Tx,
  req: RoutingRequest,
  { target, conditions, decisionTable }: { target: Required<Pick<RoutingTarget, "strategy">> & RoutingTarget; conditions?: RoutingDecision["conditions"]; decisionTable?: RoutingDecision["decisionTable"] },
): Promise<RoutingResult> {
  const now = req.now ?? new Date();
  const fieldOf = (what: "assignee" | "group") =>
    req.routing ? (decisionTable ? "routing.table" : conditions ? "routing.rules" : `routing.${what}`) : what === "assignee" ? "assignee" : "candidateGroup";

  const group = target.group ? await findGroup(tx, target.group) : null;
  if (target.group && !group) throw invalid(fieldOf("group"), "unknown group", `No group with key "${target.group}"${decisionTable ? ` (named by decision ${decisionTable.model ? "model" : "table"} "${decisionTable.key}" v${decisionTable.version})` : ""}`);
  const base = {
    group: group ? { id: group.id, key: group.key } : null,
    requiredSkills: req.requiredSkills,
    ...(conditions ? { conditions } : {}),
    ...(decisionTable ? { decisionTable } : {}),
  };

  if (target.strategy === "direct") {
    if (!target.assignee) throw invalid(fieldOf("assignee"), "required for direct routing", "Direct routing needs an assignee.");
    const person = await findPerson(tx, target.assignee);
    if (!person || !person.active) throw invalid(fieldOf("assignee"), "unknown user", `No active user "${target.assignee}"${decisionTable ? ` (named by decision ${decisionTable.model ? "model" : "table"} "${decisionTable.key}" v${decisionTable.version})` : ""}`);
    const me = { id: person.id, name: person.name };
    if (req.excludedIds?.includes(person.id)) {
      const skipped = [{ ...me, why: "earlier_step" as const }];
      if (group) {
        return {
          assigneeId: null,
          candidateGroupId: group.id,
          delegatedFromId: null,
          decision: { ...base, strategy: "group", chosen: null, candidates: [me], skipped, reason: `${person.name} decided an earlier step of this case; left in the ${group.key} queue.` },
        };
      }
      // Nobody else is named: keep it visible with them, for a supervisor to reassign (they cannot decide it).
      return {
        assigneeId: person.id,
        candidateGroupId: null,
        delegatedFromId: null,
        decision: { ...base, strategy: "direct", chosen: me, candidates: [me], skipped, reason: `${person.name} decided an earlier step of this case and may not decide this one; a supervisor must reassign it.` },
      };
    }
    if (!isOutOfOffice(person, now)) {
      return {
        assigneeId: person.id,
        candidateGroupId: group?.id ?? null,
        delegatedFromId: null,
        decision: { ...base, strategy: "direct", chosen: me, candidates: [me], skipped: [], reason: `Assigned directly to ${person.name}.` },
      };
    }
    const delegate = await availableDelegate(tx, person, now);
    const skipped = [{ ...me, why: "out_of_office" as const }];
    if (delegate) {
      return {
        assigneeId: delegate.id,
        candidateGroupId: group?.id ?? null,
        delegatedFromId: person.id,
        decision: {
          ...base,
          strategy: "direct",
          chosen: { id: delegate.id, name: delegate.name },
          delegatedFrom: me,
          candidates: [me],
          skipped,
          reason: `${person.name} is out of office; their delegate ${delegate.name} takes it.`,
        },
      };
    }
    if (group) {
      return {
        assigneeId: null,
        candidateGroupId: group.id,
        delegatedFromId: null,
        decision: { ...base, strategy: "group", chosen: null, candidates: [me], skipped, reason: `${person.name} is out of office with no available delegate; left in the ${group.key} queue.` },
      };
    }
    // Nobody else can take it: keep it with them rather than lose it; the audit says why.
    return {
      assigneeId: person.id,
      candidateGroupId: null,
      delegatedFromId: null,
      decision: { ...base, strategy: "direct", chosen: me, candidates: [me], skipped: [], reason: `${person.name} is out of office and has no available delegate; assigned to them anyway.` },
    };
  }

  if (!group) throw invalid(fieldOf("group"), `required for ${target.strategy}`, `Routing strategy ${target.strategy} needs a group.`);

  if (target.strategy === "group") {
    return {
      assigneeId: null,
      candidateGroupId: group.id,
      delegatedFromId: null,
      decision: { ...base, strategy: "group", chosen: null, candidates: [], skipped: [], reason: `Queued for members of ${group.key} to claim.` },
    };
  }

  // round_robin and least_loaded: one routing at a time per group (row lock until commit).
  const { lastUserId } = await lockRoutingCursor(tx, group.id);
  const { eligible, skipped } = eligibleMembers(await groupMembers(tx, group.id), { now, requiredSkills: req.requiredSkills, requesterId: req.requesterId, excludedIds: req.excludedIds });
  const queued = (why: string): RoutingResult => ({
    assigneeId: null,
    candidateGroupId: group.id,
    delegatedFromId: null,
    decision: { ...base, strategy: target.strategy as "round_robin" | "least_loaded", chosen: null, candidates: [], skipped, reason: why },
  });
  if (eligible.length === 0) return queued(`No available member of ${group.key} can take it; left in the queue.`);

  let chosen: { id: string; name: string } | null;
  let candidates: RoutingDecision["candidates"];
  let reason: string;
  if (target.strategy === "round_robin") {
    chosen = nextInTurn(eligible, lastUserId);
    candidates = eligible.map((p) => ({ id: p.id, name: p.name }));
    reason = `${chosen!.name} is next in turn in ${group.key}.`;
  } else {
    const work = await openWorkByPriority(tx, eligible.map((p) => p.id));
    const loaded = eligible.map((p) => ({ id: p.id, name: p.name, load: weightedLoad(work.get(p.id) ?? {}) }));
    const pick = leastLoaded(loaded, lastUserId);
    chosen = pick ? { id: pick.id, name: pick.name } : null;
    candidates = loaded;
    reason = `${pick!.name} has the least open work (${pick!.load}) among ${loaded.length} eligible member(s) of ${group.key}.`;
  }
  await advanceRoutingCursor(tx, group.id, chosen!.id);
  return {
    assigneeId: chosen!.id,
    candidateGroupId: group.id,
    delegatedFromId: null,
    decision: { ...base, strategy: target.strategy, chosen, candidates, skipped, reason },
  };
}
