// Dotted paths into nested JSON values (`invoice.lines.0.amount`): how process variables, task
// context and routing rules address a value.

export type Variables = Record<string, unknown>;

/** Reads `a.b.0.c` from nested objects and arrays; anything missing is undefined. */
export function getPath(scope: unknown, path: string): unknown {
  let cur: unknown = scope;
  for (const part of path.split(".")) {
    if (cur === null || cur === undefined) return undefined;
    if (Array.isArray(cur)) {
      const i = Number(part);
      cur = Number.isInteger(i) ? cur[i] : undefined;
    } else if (typeof cur === "object") {
      cur = Object.prototype.hasOwnProperty.call(cur, part) ? (cur as Record<string, unknown>)[part] : undefined;
    } else {
      return undefined;
    }
  }
  return cur;
}

/** Writes `a.b` into a copy of `vars`, creating objects on the way. */
export function setPath(vars: Variables, path: string, value: unknown): Variables {
  const parts = path.split(".");
  const out: Variables = { ...vars };
  let cur: Record<string, unknown> = out;
  parts.forEach((part, i) => {
    if (i === parts.length - 1) {
      cur[part] = value;
      return;
    }
    const next = cur[part];
    const copy = next && typeof next === "object" && !Array.isArray(next) ? { ...(next as Record<string, unknown>) } : {};
    cur[part] = copy;
    cur = copy;
  });
  return out;
}
