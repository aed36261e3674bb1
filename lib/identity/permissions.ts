import { ENUMS } from "../generated/db/schema";
import { z } from "zod";

// Roles map to permissions; API tokens carry a role and may narrow it further with scopes.
export const ROLES = ENUMS.Role;
export const roleSchema = z.enum(ROLES);
export type RoleName = z.infer<typeof roleSchema>;

export const PERMISSIONS = [
  "tasks:read",
  "tasks:create",
  "tasks:decide",
  "tasks:assign",
  // Comment on a task (and mention people who can already see it). Not part of read-only access.
  "tasks:comment",
  // Create a task whose requester is someone else (recorded with both names; the creator can never decide it).
  "tasks:create_on_behalf",
  "audit:read",
  "tokens:manage",
  "users:read",
  // Administer people and groups: invite, change role, skills, groups and manager, deactivate.
  "users:manage",
  // Upload, test and publish decision tables (DMN); evaluating one through the API needs it too.
  "rules:edit",
  // Upload, deprecate and operate process definitions and instances (start, retry).
  "processes:manage",
  // Post CloudEvents to /api/v1/events (machines: an ADMIN token, or one scoped to events:write).
  "events:write",
  // Scrape GET /api/metrics (Prometheus): an ADMIN token, or one scoped to metrics:read. People with
  // it (admins, supervisors, auditors) read the KPI dashboard, queue health and the instances behind them.
  "metrics:read",
  // Create, rotate and delete named secrets for HTTP steps (values are never readable).
  "secrets:manage",
  // The supervisor console: see a team's load, move its work, set members' out-of-office.
  // Supervisors for the teams they lead, admins for every team.
  "team:manage",
  // Outgoing webhook endpoints and their delivery log.
  "webhooks:manage",
  // SCIM 2.0 provisioning (/scim/v2): an identity provider creates, changes and deactivates people
  // and groups. Give it to a service account's token scoped to it alone.
  "scim:provision",
] as const;
export const permissionSchema = z.enum(PERMISSIONS);
export type Permission = z.infer<typeof permissionSchema>;

const ROLE_PERMISSIONS: Record<RoleName, readonly Permission[]> = {
  ADMIN: PERMISSIONS,
  SUPERVISOR: ["tasks:read", "tasks:create", "tasks:decide", "tasks:assign", "tasks:comment", "audit:read", "users:read", "team:manage", "metrics:read"],
  AUDITOR: ["tasks:read", "audit:read", "users:read", "metrics:read"],
  MEMBER: ["tasks:read", "tasks:decide", "tasks:comment", "users:read"],
};

export function permissionsFor(role: RoleName, scopes: readonly string[] = []): Set<Permission> {
  const granted = new Set<Permission>(ROLE_PERMISSIONS[role]);
  if (scopes.length === 0) return granted;
  return new Set([...granted].filter((p) => scopes.includes(p)));
}

/** A token's permissions: its role narrowed by its scopes, intersected with its owner's role (never more than the owner). */
export function tokenPermissions(tokenRole: RoleName, scopes: readonly string[], ownerRole: RoleName): Set<Permission> {
  const owner = ROLE_PERMISSIONS[ownerRole];
  return new Set([...permissionsFor(tokenRole, scopes)].filter((p) => owner.includes(p)));
}

/** The permissions a role holds (the matrix's columns). */
export function rolePermissions(role: RoleName): readonly Permission[] {
  return ROLE_PERMISSIONS[role];
}

export const ROLE_LABELS: Record<RoleName, string> = {
  ADMIN: "Admin",
  SUPERVISOR: "Supervisor",
  AUDITOR: "Auditor",
  MEMBER: "Member",
};
