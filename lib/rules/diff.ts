import type { DecisionTableModel, RuleChange, TableDiff } from "./schemas";

// What publishing the draft would change, rule by rule. Rules are matched by their DMN id (DMN
// tools keep ids stable when rows are edited or moved); cells are compared column by column.

export function diffTables(key: string, from: { version: number; model: DecisionTableModel } | null, to: { version: number; model: DecisionTableModel } | null): TableDiff {
  const before = from?.model;
  const after = to?.model;
  const table: string[] = [];
  const rules: RuleChange[] = [];
  if (before && after) {
    if (before.hitPolicy !== after.hitPolicy || before.aggregation !== after.aggregation) {
      table.push(`Hit policy: ${policy(before)} → ${policy(after)}`);
    }
    const inBefore = before.inputs.map(inputName);
    const inAfter = after.inputs.map(inputName);
    for (const n of inAfter) if (!inBefore.includes(n)) table.push(`Input added: ${n}`);
    for (const n of inBefore) if (!inAfter.includes(n)) table.push(`Input removed: ${n}`);
    const outBefore = before.outputs.map((o) => o.name);
    const outAfter = after.outputs.map((o) => o.name);
    for (const n of outAfter) if (!outBefore.includes(n)) table.push(`Output added: ${n}`);
    for (const n of outBefore) if (!outAfter.includes(n)) table.push(`Output removed: ${n}`);
    for (const o of after.outputs) {
      const old = before.outputs.find((b) => b.name === o.name);
      if (old && old.defaultOutput !== o.defaultOutput) table.push(`Default of ${o.name}: ${old.defaultOutput ?? "none"} → ${o.defaultOutput ?? "none"}`);
    }
  }
  const beforeRules = before?.rules ?? [];
  const afterRules = after?.rules ?? [];
  afterRules.forEach((rule, i) => {
    const j = beforeRules.findIndex((r) => r.id === rule.id);
    if (j === -1) {
      rules.push({ ruleId: rule.id, change: "added", before: null, after: i + 1, cells: cellsOf(after!, rule.id).map((c) => ({ column: c.column, before: null, after: c.text })) });
      return;
    }
    const old = cellsOf(before!, rule.id);
    const now = cellsOf(after!, rule.id);
    const columns = [...new Set([...old.map((c) => c.column), ...now.map((c) => c.column)])];
    const cells = columns
      .map((column) => ({ column, before: old.find((c) => c.column === column)?.text ?? null, after: now.find((c) => c.column === column)?.text ?? null }))
      .filter((c) => c.before !== c.after);
    if (cells.length > 0) rules.push({ ruleId: rule.id, change: "changed", before: j + 1, after: i + 1, cells });
    else if (!sameRelativeOrder(beforeRules, afterRules, rule.id)) rules.push({ ruleId: rule.id, change: "moved", before: j + 1, after: i + 1, cells: [] });
  });
  beforeRules.forEach((rule, j) => {
    if (!afterRules.some((r) => r.id === rule.id)) {
      rules.push({ ruleId: rule.id, change: "removed", before: j + 1, after: null, cells: cellsOf(before!, rule.id).map((c) => ({ column: c.column, before: c.text, after: null })) });
    }
  });
  const count = (c: RuleChange["change"]) => rules.filter((r) => r.change === c).length;
  return {
    key,
    from: from?.version ?? null,
    to: to?.version ?? null,
    table,
    rules,
    summary: { added: count("added"), removed: count("removed"), changed: count("changed"), moved: count("moved") },
  };
}

function policy(m: DecisionTableModel): string {
  return m.aggregation ? `${m.hitPolicy} ${m.aggregation}` : m.hitPolicy;
}

function inputName(i: DecisionTableModel["inputs"][number]): string {
  return i.label ?? i.expression;
}

function cellsOf(m: DecisionTableModel, ruleId: string): { column: string; text: string }[] {
  const rule = m.rules.find((r) => r.id === ruleId);
  if (!rule) return [];
  return [
    ...rule.inputEntries.map((c, k) => ({ column: inputName(m.inputs[k]!), text: c.text })),
    ...rule.outputEntries.map((c, k) => ({ column: m.outputs[k]!.label ?? m.outputs[k]!.name, text: c.text })),
    { column: "Annotation", text: rule.annotation ?? "" },
  ];
}

/** A rule "moved" when its position among the rules both versions share changed (adding a rule above it is not a move). */
function sameRelativeOrder(before: { id: string }[], after: { id: string }[], id: string): boolean {
  const shared = new Set(before.map((r) => r.id).filter((x) => after.some((r) => r.id === x)));
  const b = before.filter((r) => shared.has(r.id)).map((r) => r.id);
  const a = after.filter((r) => shared.has(r.id)).map((r) => r.id);
  return b.indexOf(id) === a.indexOf(id);
}
