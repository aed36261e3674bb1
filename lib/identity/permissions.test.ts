import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { requirePermission, workerActor, type Actor } from "./actor";
import { PERMISSIONS, ROLES, permissionsFor, tokenPermissions, type Permission, type RoleName } from "./permissions";

// The role matrix, written out so a change to it is a deliberate, reviewed change.
const MATRIX: Record<RoleName, Permission[]> = {
  ADMIN: ["tasks:read", "tasks:create", "tasks:decide", "tasks:assign", "tasks:comment", "tasks:create_on_behalf", "audit:read", "tokens:manage", "users:read", "users:manage", "rules:edit", "processes:manage", "events:write", "metrics:read", "secrets:manage", "team:manage", "webhooks:manage", "scim:provision"],
  SUPERVISOR: ["tasks:read", "tasks:create", "tasks:decide", "tasks:assign", "tasks:comment", "audit:read", "users:read", "team:manage", "metrics:read"],
  AUDITOR: ["tasks:read", "audit:read", "users:read", "metrics:read"],
  MEMBER: ["tasks:read", "tasks:decide", "tasks:comment", "users:read"],
};

function actor(role: RoleName, scopes: string[] = []): Actor {
  return { type: "TOKEN", id: "tok", name: "token:test", role, permissions: permissionsFor(role, scopes) };
}

describe("permissionsFor", () => {
  for (const role of ROLES) {
    it(`${role} has exactly its permissions`, () => {
      expect([...permissionsFor(role)].sort()).toEqual([...MATRIX[role]].sort());
    });
  }

  it("only admins manage tokens; auditors and members never create or assign", () => {
    expect(ROLES.filter((r) => permissionsFor(r).has("tokens:manage"))).toEqual(["ADMIN"]);
    expect(permissionsFor("AUDITOR").has("tasks:decide")).toBe(false);
    expect(permissionsFor("MEMBER").has("tasks:create")).toBe(false);
    expect(permissionsFor("MEMBER").has("audit:read")).toBe(false);
  });

  it("only admins provision through SCIM, and a token scoped to it can do nothing else", () => {
    expect(ROLES.filter((r) => permissionsFor(r).has("scim:provision"))).toEqual(["ADMIN"]);
    expect([...permissionsFor("ADMIN", ["scim:provision"])]).toEqual(["scim:provision"]);
    expect(tokenPermissions("ADMIN", ["scim:provision"], "SUPERVISOR").size).toBe(0);
  });

  it("only admins administer people", () => {
    expect(ROLES.filter((r) => permissionsFor(r).has("users:manage"))).toEqual(["ADMIN"]);
  });

  it("only admins edit and publish decision tables", () => {
    expect(ROLES.filter((r) => permissionsFor(r).has("rules:edit"))).toEqual(["ADMIN"]);
  });

  it("only admins manage processes and post events", () => {
    expect(ROLES.filter((r) => permissionsFor(r).has("processes:manage"))).toEqual(["ADMIN"]);
    expect(ROLES.filter((r) => permissionsFor(r).has("events:write"))).toEqual(["ADMIN"]);
    expect([...permissionsFor("ADMIN", ["events:write"])]).toEqual(["events:write"]);
  });

  it("scopes narrow a token's role", () => {
    expect([...permissionsFor("ADMIN", ["tasks:read", "tasks:create"])].sort()).toEqual(["tasks:create", "tasks:read"]);
  });

  it("a token never has more than its owner (ADR 021)", () => {
    expect([...tokenPermissions("ADMIN", [], "MEMBER")].sort()).toEqual([...MATRIX.MEMBER].sort());
    expect([...tokenPermissions("ADMIN", ["tokens:manage", "tasks:read"], "SUPERVISOR")]).toEqual(["tasks:read"]);
    expect(tokenPermissions("MEMBER", [], "ADMIN").has("tasks:assign")).toBe(false);
  });

  it("only admins create tasks on someone's behalf; auditors never comment", () => {
    expect(ROLES.filter((r) => permissionsFor(r).has("tasks:create_on_behalf"))).toEqual(["ADMIN"]);
    expect(permissionsFor("AUDITOR").has("tasks:comment")).toBe(false);
  });

  it("scopes never widen a role", () => {
    expect([...permissionsFor("MEMBER", ["tasks:create", "tokens:manage", "tasks:read"])]).toEqual(["tasks:read"]);
    expect(permissionsFor("AUDITOR", ["tasks:decide"]).size).toBe(0);
  });

  it("every permission is granted to at least one role", () => {
    for (const p of PERMISSIONS) expect(ROLES.some((r) => permissionsFor(r).has(p)), p).toBe(true);
  });
});

describe("requirePermission", () => {
  it("passes when granted", () => {
    expect(() => requirePermission(actor("SUPERVISOR"), "tasks:create")).not.toThrow();
  });

  it("throws FORBIDDEN (403) naming the role and permission", () => {
    let err: unknown;
    try {
      requirePermission(actor("MEMBER"), "tasks:create");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe("FORBIDDEN");
    expect((err as AppError).status).toBe(403);
    expect((err as AppError).message).toBe("Your role (member) does not allow tasks:create.");
  });

  it("applies token scopes", () => {
    expect(() => requirePermission(actor("ADMIN", ["tasks:read"]), "tasks:create")).toThrow(AppError);
  });

  it("workers can run task use cases but not manage tokens", () => {
    const w = workerActor("escalations");
    expect(() => requirePermission(w, "tasks:decide")).not.toThrow();
    expect(() => requirePermission(w, "tokens:manage")).toThrow(AppError);
  });
});
