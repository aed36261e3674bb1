import type { DecisionTableModel, FeelType, TableInput, TableOutput } from "./schemas";

// Column edits of the browser's table editor: add, remove, reorder and change inputs and outputs
// while every rule keeps exactly one cell per column, in column order (what DMN requires and
// validateModel checks). Pure: each returns a new model.

export const COLUMN_TYPES: FeelType[] = ["string", "number", "boolean", "date", "dateTime", "duration", "any"];
/** An output's name is the key in every result object: a FEEL name. */
const OUTPUT_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

function uniqueId(prefix: string, taken: Set<string>, random: () => string): string {
  for (;;) {
    const id = `${prefix}_${random()}`;
    if (!taken.has(id)) return id;
  }
}

const defaultRandom = () => Math.random().toString(36).slice(2, 9);

function idsOf(m: DecisionTableModel): Set<string> {
  const ids = new Set<string>();
  for (const i of m.inputs) ids.add(i.id);
  for (const o of m.outputs) ids.add(o.id);
  for (const r of m.rules) {
    ids.add(r.id);
    for (const c of [...r.inputEntries, ...r.outputEntries]) ids.add(c.id);
  }
  return ids;
}

const typeRefOf = (t: FeelType): string | null => (t === "any" ? null : t);

export function addInput(m: DecisionTableModel, col: { expression: string; label?: string | null; type: FeelType }, random = defaultRandom): DecisionTableModel {
  const taken = idsOf(m);
  const id = uniqueId("Input", taken, random);
  const input: TableInput = { id, label: col.label?.trim() || null, expression: col.expression.trim(), expressionId: `${id}_expr`, typeRef: typeRefOf(col.type), inputValues: null };
  return {
    ...m,
    inputs: [...m.inputs, input],
    // "-" matches anything: the existing rules decide as before until someone fills the column.
    rules: m.rules.map((r) => ({ ...r, inputEntries: [...r.inputEntries, { id: `${r.id}_${id}`, text: "-" }] })),
  };
}

export function addOutput(m: DecisionTableModel, col: { name: string; label?: string | null; type: FeelType }, random = defaultRandom): DecisionTableModel {
  const taken = idsOf(m);
  const id = uniqueId("Output", taken, random);
  const output: TableOutput = { id, name: col.name.trim(), label: col.label?.trim() || null, typeRef: typeRefOf(col.type), outputValues: null, defaultOutput: null };
  return {
    ...m,
    outputs: [...m.outputs, output],
    // An empty output entry is null: the rules answer nothing for it until filled.
    rules: m.rules.map((r) => ({ ...r, outputEntries: [...r.outputEntries, { id: `${r.id}_${id}`, text: "" }] })),
  };
}

export function removeColumn(m: DecisionTableModel, kind: "input" | "output", index: number): DecisionTableModel {
  if (kind === "input") {
    if (index < 0 || index >= m.inputs.length) return m;
    return { ...m, inputs: m.inputs.filter((_, k) => k !== index), rules: m.rules.map((r) => ({ ...r, inputEntries: r.inputEntries.filter((_, k) => k !== index) })) };
  }
  // A decision table always answers with at least one output.
  if (index < 0 || index >= m.outputs.length || m.outputs.length === 1) return m;
  return { ...m, outputs: m.outputs.filter((_, k) => k !== index), rules: m.rules.map((r) => ({ ...r, outputEntries: r.outputEntries.filter((_, k) => k !== index) })) };
}

function moved<T>(list: T[], from: number, to: number): T[] {
  const out = [...list];
  const [x] = out.splice(from, 1);
  out.splice(to, 0, x!);
  return out;
}

/** Moves a column (and every rule's cell in it) from one position to another. */
export function moveColumn(m: DecisionTableModel, kind: "input" | "output", from: number, to: number): DecisionTableModel {
  const n = kind === "input" ? m.inputs.length : m.outputs.length;
  if (from === to || from < 0 || to < 0 || from >= n || to >= n) return m;
  if (kind === "input") return { ...m, inputs: moved(m.inputs, from, to), rules: m.rules.map((r) => ({ ...r, inputEntries: moved(r.inputEntries, from, to) })) };
  return { ...m, outputs: moved(m.outputs, from, to), rules: m.rules.map((r) => ({ ...r, outputEntries: moved(r.outputEntries, from, to) })) };
}

export function updateInput(m: DecisionTableModel, index: number, patch: { expression?: string; label?: string | null; type?: FeelType }): DecisionTableModel {
  return {
    ...m,
    inputs: m.inputs.map((i, k) =>
      k !== index
        ? i
        : {
            ...i,
            ...(patch.expression !== undefined ? { expression: patch.expression } : {}),
            ...(patch.label !== undefined ? { label: patch.label || null } : {}),
            ...(patch.type !== undefined ? { typeRef: typeRefOf(patch.type) } : {}),
          },
    ),
  };
}

export function updateOutput(m: DecisionTableModel, index: number, patch: { name?: string; label?: string | null; type?: FeelType }): DecisionTableModel {
  return {
    ...m,
    outputs: m.outputs.map((o, k) =>
      k !== index
        ? o
        : {
            ...o,
            ...(patch.name !== undefined ? { name: patch.name } : {}),
            ...(patch.label !== undefined ? { label: patch.label || null } : {}),
            ...(patch.type !== undefined ? { typeRef: typeRefOf(patch.type) } : {}),
          },
    ),
  };
}

/** Problems with the columns themselves, per column id (cells are checked by validateModel). */
export function columnProblems(m: DecisionTableModel): Map<string, string> {
  const out = new Map<string, string>();
  for (const i of m.inputs) if (!i.expression.trim()) out.set(i.id, "An input needs an expression, usually a variable name such as amount.");
  const seen = new Set<string>();
  for (const o of m.outputs) {
    if (!OUTPUT_NAME_RE.test(o.name)) out.set(o.id, "An output needs a name of letters, digits and _ (it is the key in the result).");
    else if (seen.has(o.name)) out.set(o.id, `Two outputs are named "${o.name}".`);
    seen.add(o.name);
  }
  return out;
}
