import { PRIORITY_WEIGHTS, type Condition, type RoutingRule, type SkipReason } from "./schemas";

// Pure routing rules; lib/routing/service.ts feeds them rows read under the group's lock.

export interface Person {
  id: string;
  name: string;
  active: boolean;
  skills: string[];
  outOfOfficeFrom: Date | null;
  outOfOfficeUntil: Date | null;
}

/** Away if now falls in [from, until); an open end means "until further notice" / "since ever". */
export function isOutOfOffice(p: Pick<Person, "outOfOfficeFrom" | "outOfOfficeUntil">, now: Date): boolean {
  if (!p.outOfOfficeFrom && !p.outOfOfficeUntil) return false;
  const started = !p.outOfOfficeFrom || p.outOfOfficeFrom <= now;
  const notEnded = !p.outOfOfficeUntil || now < p.outOfOfficeUntil;
  return started && notEnded;
}

function hasSkills(p: Pick<Person, "skills">, required: readonly string[]): boolean {
  return required.every((s) => p.skills.includes(s));
}

/** Splits a group's members into who may take the task and who is skipped, with why. */
export function eligibleMembers(members: readonly Person[], opts: { now: Date; requiredSkills: readonly string[]; requesterId: string | null; excludedIds?: readonly string[] }) {
  const eligible: Person[] = [];
  const skipped: { id: string; name: string; why: SkipReason }[] = [];
  for (const m of [...members].sort((a, b) => a.id.localeCompare(b.id))) {
    const why: SkipReason | null = !m.active
      ? "inactive"
      : m.id === opts.requesterId
        ? "requester"
        : opts.excludedIds?.includes(m.id)
          ? "earlier_step"
          : !hasSkills(m, opts.requiredSkills)
          ? "missing_skills"
          : isOutOfOffice(m, opts.now)
            ? "out_of_office"
            : null;
    if (why) skipped.push({ id: m.id, name: m.name, why });
    else eligible.push(m);
  }
  return { eligible, skipped };
}

/** The next person after `lastUserId` in id order (wrapping), so turns survive membership changes. */
export function nextInTurn<T extends { id: string }>(sortedById: readonly T[], lastUserId: string | null): T | null {
  if (sortedById.length === 0) return null;
  if (!lastUserId) return sortedById[0]!;
  return sortedById.find((p) => p.id > lastUserId) ?? sortedById[0]!;
}

export function weightedLoad(openByPriority: Partial<Record<keyof typeof PRIORITY_WEIGHTS, number>>): number {
  let load = 0;
  for (const [p, n] of Object.entries(openByPriority)) load += PRIORITY_WEIGHTS[p as keyof typeof PRIORITY_WEIGHTS] * (n ?? 0);
  return load;
}

/** Lowest load wins; ties go to whoever is next in turn, so equal people share the work. */
export function leastLoaded<T extends { id: string; load: number }>(sortedById: readonly T[], lastUserId: string | null): T | null {
  if (sortedById.length === 0) return null;
  const min = Math.min(...sortedById.map((p) => p.load));
  return nextInTurn(
    sortedById.filter((p) => p.load === min),
    lastUserId,
  );
}

// --- conditions -------------------------------------------------------------------------------

export function readVar(context: Record<string, unknown>, path: string): unknown {
  let cur: unknown = context;
  for (const part of path.split(".")) {
    if (cur === null || typeof cur !== "object" || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function compare(a: unknown, b: unknown): number | null {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  return null;
}

export function conditionHolds(c: Condition, context: Record<string, unknown>): boolean {
  const v = readVar(context, c.var);
  switch (c.op) {
    case "exists":
      return c.value === false ? v === undefined || v === null : v !== undefined && v !== null;
    case "eq":
      return v === c.value;
    case "ne":
      return v !== c.value;
    case "gt":
    case "gte":
    case "lt":
    case "lte": {
      const d = compare(v, c.value);
      if (d === null) return false;
      return c.op === "gt" ? d > 0 : c.op === "gte" ? d >= 0 : c.op === "lt" ? d < 0 : d <= 0;
    }
    case "in":
      return Array.isArray(c.value) && c.value.includes(v);
    case "not_in":
      return Array.isArray(c.value) && !c.value.includes(v);
    case "contains":
      return (typeof v === "string" && typeof c.value === "string" && v.includes(c.value)) || (Array.isArray(v) && v.includes(c.value));
  }
}

/** The first rule whose conditions all hold, with the context values it looked at. */
export function firstMatchingRule(rules: readonly RoutingRule[], context: Record<string, unknown>) {
  const inputs: Record<string, unknown> = {};
  for (const r of rules) for (const c of r.when) inputs[c.var] = readVar(context, c.var) ?? null;
  const index = rules.findIndex((r) => r.when.every((c) => conditionHolds(c, context)));
  return { index: index === -1 ? null : index, rule: index === -1 ? null : rules[index]!, inputs };
}
