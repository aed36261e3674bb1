// Drill-down: every number on the dashboard links to the instances or tasks behind it, with the
// same filters the rollups used (lib/kpi/rollup.ts; windows are whole UTC days, `to` exclusive).

export interface Scope {
  from: string;
  to: string;
  process?: string;
  version?: number;
}

const DAY = 86_400_000;
const dayAfter = (d: string) => new Date(new Date(`${d}T00:00:00Z`).getTime() + DAY).toISOString().slice(0, 10);

function href(path: string, params: Record<string, string | number | undefined>): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "") qs.set(k, String(v));
  return `${path}?${qs}`;
}

/** Instances that ended in the period (optionally: in a status, reworked, with a step's runs). */
export function endedInstancesHref(s: Scope, extra: { status?: string; rework?: boolean; step?: string; stepStatus?: string } = {}): string {
  return href("/processes/instances", {
    process: s.process,
    version: s.process ? s.version : undefined,
    status: extra.status,
    rework: extra.rework ? "true" : undefined,
    step: extra.step,
    stepStatus: extra.stepStatus,
    endedFrom: s.from,
    endedTo: dayAfter(s.to),
  });
}

export function startedInstancesHref(s: Scope): string {
  return href("/processes/instances", { process: s.process, version: s.process ? s.version : undefined, startedFrom: s.from, startedTo: dayAfter(s.to) });
}

/** Process tasks decided in the period (the inbox's "All tasks" view with the drill-down filters). */
export function tasksHref(s: Scope, extra: { step?: string; outcome?: string; decidedBy?: string; breached?: boolean; escalated?: boolean } = {}): string {
  return href("/inbox", {
    view: "all",
    process: s.process ?? "*",
    step: extra.step,
    outcome: extra.outcome,
    decidedBy: extra.decidedBy === undefined ? undefined : extra.decidedBy || "none",
    breached: extra.breached ? "true" : undefined,
    escalated: extra.escalated ? "true" : undefined,
    decidedFrom: s.from,
    decidedTo: dayAfter(s.to),
  });
}
