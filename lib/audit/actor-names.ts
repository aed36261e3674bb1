// Who did it, in words a person reads (issue #22): the audit record keeps the actor's stored name
// (hashed into the chain, never rewritten); screens, history and exports show this label beside
// it. People keep their names; tokens say they are tokens; Baton's own processes say what they
// are and that they are the system ("Escalation (system)"), never an id or a blank.

export type ActorKind = "USER" | "TOKEN" | "WORKER" | "SYSTEM";

/** The names Baton's own actors are recorded under, and what a person calls them. */
const SYSTEM_ACTORS: Record<string, string> = {
  engine: "Process engine",
  "escalation policy": "Escalation",
  "worker:audit-retention": "Audit retention",
  "worker:audit-sealer": "Audit sealing",
  login: "Sign-in",
  "single sign-on": "Single sign-on",
  "password reset": "Password reset",
  "secrets:rekey": "Secret re-keying",
  scim: "SCIM provisioning",
  webhooks: "Webhook delivery",
  notifications: "Notifications",
  seed: "Demo data",
};

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
/** "audit-retention" / "audit_retention" → "Audit retention". */
const words = (s: string) => capitalise(s.replace(/[-_:.]+/g, " ").replace(/\s+/g, " ").trim());
/** A bare generated id (cuid, uuid) says nothing to a person. */
const looksLikeId = (s: string) => /^c[a-z0-9]{20,}$/.test(s) || /^[0-9a-f]{8}-[0-9a-f]{4}-/i.test(s);

export function actorLabel(type: ActorKind, name: string | null | undefined): string {
  const stored = (name ?? "").trim();
  if (type === "USER") return stored && !looksLikeId(stored) ? stored : "A person (name not recorded)";
  if (type === "TOKEN") {
    const token = stored.replace(/^token:/, "");
    return token && !looksLikeId(token) ? `${token} (API token)` : "An API token";
  }
  const known = SYSTEM_ACTORS[stored.toLowerCase()];
  if (known) return `${known} (system)`;
  const table = /^decision table (.+)$/i.exec(stored);
  if (table) return `Decision table ${table[1]} (system)`;
  const cli = /^cli:(.*)$/i.exec(stored);
  if (cli) return cli[1] ? `Command line: ${cli[1]} (system)` : "Command line (system)";
  const worker = /^worker:(.+)$/i.exec(stored);
  if (worker) return `${words(worker[1]!)} (system)`;
  if (!stored || looksLikeId(stored)) return "Baton (system)";
  return `${words(stored)} (system)`;
}
