import { coerceContext, compile, type EvalContext } from "./feel/feelin/index.js";

// Compiled FEEL (ADR 054): parsing a cell is most of what evaluating it costs, so each expression
// and each unary-tests cell is parsed and turned into feelin's execution tree once, then run
// against every context that comes. What a text compiles to depends only on the text and on the
// names the context holds (feelin's parser reads a name with spaces, `Monthly Income`, as one name
// when the context has it), so the tree is kept under the text and the context's names — not
// under a table version: identical cells of any version share it, and nothing is ever stale,
// because a text and a set of names always compile alike. Bounded (least recently used first out).
// Pure and browser-safe, like feel.ts.

type Kind = "expression" | "unaryTests";
type Compiled = (context: EvalContext) => unknown;

/** At most this many compiled cells are kept. */
export const MAX_COMPILED = 4000;
/** A context whose names take more than this to describe is not cached (it would key poorly and cost memory). */
const MAX_NAMES_LENGTH = 2048;
const MAX_DEPTH = 16;

const compiled = new Map<string, Compiled>();
const stats = { hits: 0, misses: 0, uncached: 0 };

/** How the cache has done since start (or the last clear): for tests and the speed script. */
export function compiledFeelStats(): { hits: number; misses: number; uncached: number; size: number } {
  return { ...stats, size: compiled.size };
}

export function clearCompiledFeel(): void {
  compiled.clear();
  stats.hits = stats.misses = stats.uncached = 0;
}

/**
 * The names a context holds, at every depth, as one string: the part of a context that can change
 * how a text parses (values do not). Lists add the names of their items (each distinct shape once).
 * Null when the description grows beyond MAX_NAMES_LENGTH or MAX_DEPTH.
 */
export function namesOf(context: EvalContext): string | null {
  return shapeOf(context, 0, { length: 0 });
}

function shapeOf(value: unknown, depth: number, budget: { length: number }): string | null {
  if (value === null || typeof value !== "object") return "";
  if (depth > MAX_DEPTH) return null;
  if (Array.isArray(value)) {
    const shapes = new Set<string>();
    for (const item of value) {
      if (item === null || typeof item !== "object") continue;
      const shape = shapeOf(item, depth + 1, budget);
      if (shape === null) return null;
      shapes.add(shape);
    }
    return `[${[...shapes].join("|")}]`;
  }
  let out = "{";
  for (const key of Object.keys(value)) {
    budget.length += key.length + 4;
    if (budget.length > MAX_NAMES_LENGTH) return null;
    const inner = shapeOf((value as Record<string, unknown>)[key], depth + 1, budget);
    if (inner === null) return null;
    // The length first, so no name can be mistaken for a neighbour's punctuation.
    out += `${key.length}:${key}${inner}`;
  }
  return `${out}}`;
}

/** The compiled tree of `text` for a (coerced) context; a syntax error throws, as feelin's evaluate does. */
function compiledFor(kind: Kind, text: string, context: EvalContext): Compiled {
  const names = namesOf(context);
  if (names === null) {
    stats.uncached++;
    return compile(text, kind, context);
  }
  const key = `${kind === "expression" ? "e" : "u"}${names}\u0000${text}`;
  const hit = compiled.get(key);
  if (hit) {
    stats.hits++;
    // Most recently used last: the oldest is the first to go.
    compiled.delete(key);
    compiled.set(key, hit);
    return hit;
  }
  stats.misses++;
  const tree = compile(text, kind, context);
  if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value!);
  compiled.set(key, tree);
  return tree;
}

/** feelin's `evaluate(text, context).value`, from the compiled tree. */
export function evaluateCompiled(text: string, context: EvalContext): unknown {
  const ctx = coerceContext(context);
  return compiledFor("expression", text, ctx)(ctx);
}

/** feelin's `unaryTest(text, context).value` (the input is `context["?"]`), from the compiled tree. */
export function unaryTestCompiled(text: string, context: EvalContext): unknown {
  const ctx = coerceContext(context);
  const test = compiledFor("unaryTests", text, ctx)(ctx) as (value: unknown) => unknown;
  return test(ctx["?"] !== undefined ? ctx["?"] : null);
}
