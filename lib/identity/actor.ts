import type { Permission, RoleName } from "./permissions";
import { AppError } from "../errors";

/** Who is acting: a person, an API token, a worker or the system itself. */
export interface Actor {
  type: "USER" | "TOKEN" | "WORKER" | "SYSTEM";
  id: string | null;
  name: string;
  role: RoleName;
  permissions: ReadonlySet<Permission>;
  /** Request metadata recorded with audit entries. */
  requestId?: string;
  ip?: string;
  userAgent?: string;
  onBehalfOfId?: string;
  /** API tokens: the person or service account the token acts for (ADR 021). */
  owner?: TokenOwner;
  /** API tokens: requests a minute (null: the installation's default; 0: not limited). */
  rateLimitPerMinute?: number | null;
  /**
   * A browser session: its id (the JWT's "sid") and sign-in time (ms); its live streams end with it.
   * `sso`: signed in through single sign-on (the identity provider asks for the second factor).
   */
  session?: { sid: string | null; authAt: number; sso?: boolean };
  /**
   * A password session of a person the sign-in policy requires a second factor of, who has none:
   * until they set one up, only enrolment, /me and sign-out answer them (ADR 044).
   */
  enrolmentRequired?: true;
  /** A person's IANA time zone (their setting): "today" and "this week" in due filters. */
  timeZone?: string;
}

/** Whose rights a token uses: never more than theirs. */
export interface TokenOwner {
  id: string;
  name: string;
  kind: "PERSON" | "SERVICE";
  role: RoleName;
  /** A service account's grants: process keys it may start, "source type" pairs it may post. */
  grants?: { processes: string[]; events: string[] };
}

/**
 * The person or service account whose rights apply to an action: a person themself, a token's
 * owner. Null for the system and workers (automatic actions) — they are never a person deciding.
 */
export function principalId(actor: Actor): string | null {
  if (actor.type === "USER") return actor.id;
  if (actor.type === "TOKEN") return actor.owner?.id ?? null;
  return null;
}

/** Only a person may give one of the N approvals of a four-eyes task (not a service account, not the system). */
export function isPersonPrincipal(actor: Actor): boolean {
  return actor.type === "USER" || (actor.type === "TOKEN" && actor.owner?.kind === "PERSON");
}

/** The role that decides what an actor may see: a token's owner's (never more than theirs). */
function effectiveRole(actor: Actor): RoleName | null {
  if (actor.type === "USER") return actor.role;
  if (actor.type === "TOKEN") return actor.owner?.role ?? null;
  return null;
}

export function requirePermission(actor: Actor, permission: Permission): void {
  if (!actor.permissions.has(permission)) {
    throw new AppError("FORBIDDEN", `Your role (${actor.role.toLowerCase()}) does not allow ${permission}.`);
  }
}

export function workerActor(name: string, requestId?: string): Actor {
  return {
    type: "WORKER",
    id: null,
    name,
    role: "ADMIN",
    permissions: new Set(["tasks:read", "tasks:create", "tasks:decide", "tasks:assign"]),
    requestId,
  };
}

/**
 * Workers, admins and auditors see every task; people see their own, their groups' and their
 * team's; a token sees what its owner sees (H1: tokens no longer see everything).
 */
export function seesEverything(actor: Actor): boolean {
  if (actor.type === "WORKER" || actor.type === "SYSTEM") return true;
  const role = effectiveRole(actor);
  return role === "ADMIN" || role === "AUDITOR";
}

/** A service account token may start only the processes it is granted ("*": any); others are not narrowed. */
export function mayStartProcess(actor: Actor, key: string): boolean {
  if (actor.type !== "TOKEN" || actor.owner?.kind !== "SERVICE") return true;
  const granted = actor.owner.grants?.processes ?? [];
  return granted.includes("*") || granted.includes(key);
}

/** M13: a service account token posts only the "source type" pairs it is granted ("source *": any type); others are not narrowed. */
export function mayPostEvent(actor: Actor, source: string, type: string): boolean {
  if (actor.type !== "TOKEN" || actor.owner?.kind !== "SERVICE") return true;
  const granted = actor.owner.grants?.events ?? [];
  return granted.includes(`${source} ${type}`) || granted.includes(`${source} *`);
}

export function requireProcessGrant(actor: Actor, key: string): void {
  if (!mayStartProcess(actor, key)) throw new AppError("FORBIDDEN", `${actor.owner?.name ?? actor.name} may not start process "${key}".`, { details: { process: key } });
}
