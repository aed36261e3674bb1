import type { Tx } from "../db";
import { AppError } from "../errors";
import { findGroup, findPerson, groupMembers, lockRoutingCursor, advanceRoutingCursor, openWorkByPriority, type PersonWithDelegate } from "./repository";
import type { RoutingDecision, RoutingSpec, RoutingTarget } from "./schemas";
import { eligibleMembers, firstMatchingRule, isOutOfOffice, leastLoaded, nextInTurn, weightedLoad } from "./select";

// Routing runs inside the transaction that creates the task: the choice, the task row and the
// `task.routed` audit entry commit together (or not at all).

export interface RoutingRequest {
  assignee?: string;
  candidateGroup?: string;
  requiredSkills: string[];
  routing?: RoutingSpec;
  context: Record<string, unknown>;
  requesterId: string | null;
  now?: Date;
}

export interface RoutingResult {
  assigneeId: string | null;
  candidateGroupId: string | null;
  delegatedFromId: string | null;
  decision: RoutingDecision;
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
  const now = req.now ?? new Date();
  const { target, conditions } = resolveTarget(req);
  const fieldOf = (what: "assignee" | "group") =>
    req.routing ? (conditions ? "routing.rules" : `routing.${what}`) : what === "assignee" ? "assignee" : "candidateGroup";

  const group = target.group ? await findGroup(tx, target.group) : null;
  if (target.group && !group) throw invalid(fieldOf("group"), "unknown group", `No group with key "${target.group}"`);
  const base = {
    group: group ? { id: group.id, key: group.key } : null,
    requiredSkills: req.requiredSkills,
    ...(conditions ? { conditions } : {}),
  };

  if (target.strategy === "direct") {
    if (!target.assignee) throw invalid(fieldOf("assignee"), "required for direct routing", "Direct routing needs an assignee.");
    const person = await findPerson(tx, target.assignee);
    if (!person || !person.active) throw invalid(fieldOf("assignee"), "unknown user", `No active user "${target.assignee}"`);
    const me = { id: person.id, name: person.name };
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
  const { eligible, skipped } = eligibleMembers(await groupMembers(tx, group.id), { now, requiredSkills: req.requiredSkills, requesterId: req.requesterId });
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
