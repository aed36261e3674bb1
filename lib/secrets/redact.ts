// Redaction of secret values from anything Baton keeps or prints about a call: error messages,
// attempt logs, audit entries, step outputs and log lines. A value is replaced wherever it
// appears, also URL- and base64-encoded (Basic auth, a receiver echoing a header back).

export const REDACTED = "[redacted]";
const MIN_REDACTABLE = 4;

function forms(values: readonly string[]): string[] {
  const out = new Set<string>();
  for (const v of values) {
    if (v.length < MIN_REDACTABLE) continue;
    out.add(v);
    out.add(encodeURIComponent(v));
    out.add(Buffer.from(v, "utf8").toString("base64").replace(/=+$/, ""));
    out.add(JSON.stringify(v).slice(1, -1));
  }
  // Longest first, so a value containing another is replaced whole.
  return [...out].filter((f) => f.length >= MIN_REDACTABLE).sort((a, b) => b.length - a.length);
}

export function redactText(text: string, values: readonly string[]): string {
  let out = text;
  for (const f of forms(values)) out = out.split(f).join(REDACTED);
  return out;
}

/** A deep copy of a JSON-like value with every string redacted (keys too). */
export function redactValue<T>(value: T, values: readonly string[]): T {
  if (values.length === 0) return value;
  const fs = forms(values);
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") {
      let s = v;
      for (const f of fs) s = s.split(f).join(REDACTED);
      return s;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [walk(k) as string, walk(x)]));
    return v;
  };
  return walk(value) as T;
}
