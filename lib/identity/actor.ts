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
  /** API tokens: requests a minute (null: the installation's default; 0: not limited). */
  rateLimitPerMinute?: number | null;
  /** A person's IANA time zone (their setting): "today" and "this week" in due filters. */
  timeZone?: string;
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

/** Machines, admins and auditors see every task; people see their own, their groups' and their team's. */
export function seesEverything(actor: Actor): boolean {
  return actor.type !== "USER" || actor.role === "ADMIN" || actor.role === "AUDITOR";
}
