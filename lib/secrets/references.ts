import { getPath } from "../paths";

// `{{ secrets.NAME }}` in an HTTP step's header templates. Kept apart from variables: a process
// variable called "secrets" can never stand in for a named secret, and a secret's value is
// inserted in one pass, so a value containing "{{" is never rendered again.

const TEMPLATE_RE = /\{\{\s*([^{}\s]+)\s*\}\}/g;
const SECRET_PATH_RE = /^secrets\.([a-z][a-z0-9_]{0,62})$/;

/** Names of the secrets a template refers to. */
export function secretRefs(template: string): string[] {
  const out: string[] = [];
  for (const m of template.matchAll(TEMPLATE_RE)) {
    const s = SECRET_PATH_RE.exec(m[1]!);
    if (s) out.push(s[1]!);
  }
  return out;
}

/** True when a template refers to `secrets.` at all (also a malformed name). */
export function mentionsSecrets(template: string): boolean {
  for (const m of template.matchAll(TEMPLATE_RE)) if (m[1]!.startsWith("secrets.") || m[1] === "secrets") return true;
  return false;
}

function stringify(v: unknown): string {
  if (v === undefined || v === null) return "";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

/** Renders a header template: `{{secrets.x}}` from `secrets`, every other `{{path}}` from the scope. */
export function renderHeaderTemplate(template: string, scope: unknown, secrets: Record<string, string> = {}): string {
  return template.replace(TEMPLATE_RE, (_, path: string) => {
    const s = SECRET_PATH_RE.exec(path);
    if (s) return secrets[s[1]!] ?? "";
    return stringify(getPath(scope, path));
  });
}

/** Whether a secret may go to `host` (its list of allowed hosts, exact names). */
export function secretMayGoTo(allowedHosts: readonly string[], host: string): boolean {
  return allowedHosts.includes(host.toLowerCase().replace(/\.$/, ""));
}
