// The permission matrix (app/api/permission-matrix.ts, ADR 021), table-driven: every /api/v1
// route is called as every role (a token acting for a person of that role) and as narrow scopes,
// over the real router. A caller without the route's permission gets 403; a caller with it is
// never refused for the permission. A route added without a row fails here, and docs/security.md
// prints exactly the matrix the code enforces (UPDATE_SECURITY_DOC=1 rewrites it).
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadRouteTree } from "@/app/api/route-tree";
import { ACCESS, PAGES, permissionMatrix, renderMatrix, requiredPermission } from "@/app/api/permission-matrix";
import type { ApiEndpoint } from "@/lib/http/api-route";
import { createApiToken } from "@/lib/identity/service";
import { tokenPermissions, type Permission, type RoleName } from "@/lib/identity/permissions";
import { startApiServer, type ApiServer } from "./api-server";
import { cliActor, makeTeam, uid, type Team } from "./helpers";

interface Caller {
  label: string;
  token: string;
  permissions: Set<Permission>;
}

let team: Team;
let server: ApiServer;
let endpoints: ApiEndpoint[];
const callers: Caller[] = [];

async function caller(label: string, owner: keyof Team["users"], ownerRole: RoleName, role: RoleName, scopes: Permission[] = []): Promise<Caller> {
  const { token } = await createApiToken(cliActor, { name: `matrix-${uid()}`, role, scopes, owner: team.users[owner].id, rateLimitPerMinute: 0 });
  return { label, token, permissions: tokenPermissions(role, scopes, ownerRole) };
}

beforeAll(async () => {
  team = await makeTeam();
  endpoints = await loadRouteTree();
  server = await startApiServer();
  callers.push(
    await caller("admin", "admin", "ADMIN", "ADMIN"),
    await caller("supervisor", "supervisor", "SUPERVISOR", "SUPERVISOR"),
    await caller("auditor", "auditor", "AUDITOR", "AUDITOR"),
    await caller("member", "alice", "MEMBER", "MEMBER"),
    // Narrow machine tokens: read-only, and an event producer.
    await caller("tasks:read only", "admin", "ADMIN", "ADMIN", ["tasks:read"]),
    await caller("events:write only", "admin", "ADMIN", "ADMIN", ["events:write"]),
    // An ADMIN-role token of a member is a member's token (never more than its owner).
    await caller("admin token of a member", "bob", "MEMBER", "ADMIN"),
  );
});
afterAll(() => server.close());

describe("the permission matrix", () => {
  it("has a row for every route and a route for every row", () => {
    expect(() => permissionMatrix(endpoints)).not.toThrow();
    expect(Object.keys(ACCESS).length).toBe(endpoints.length);
  });

  it("has a row for every page, and every signed-in page takes its check from its row (requirePage)", () => {
    const app = path.resolve(__dirname, "../app");
    const pages = (readdirSync(app, { recursive: true }) as string[])
      .filter((f) => f.endsWith(`${path.sep}page.tsx`) && (f.startsWith(`(app)${path.sep}`) || f.startsWith(`(auth)${path.sep}`)))
      .map((f) => ({ file: path.join(app, f), page: `/${path.dirname(f).split(path.sep).filter((part) => !/^\(.*\)$/.test(part)).join("/")}` }));
    expect(pages.map((p) => p.page).sort()).toEqual(PAGES.map((p) => p.path).sort());
    // Public pages (sign in, forgot and reset password, accept an invitation) have nobody to check.
    for (const { file, page } of pages.filter((p) => PAGES.find((r) => r.path === p.page)?.permission !== "public")) {
      expect(readFileSync(file, "utf8"), `${page} must check access with requirePage("${page}")`).toContain(`requirePage("${page}"`);
    }
  });

  it("is what docs/security.md prints", () => {
    const file = path.resolve(__dirname, "../docs/security.md");
    const doc = readFileSync(file, "utf8");
    const start = "<!-- permission-matrix:start (generated from app/api/permission-matrix.ts) -->\n";
    const end = "<!-- permission-matrix:end -->";
    const [before, rest] = doc.split(start);
    expect(rest, "docs/security.md has the permission-matrix markers").toBeDefined();
    const after = rest!.slice(rest!.indexOf(end));
    const expected = `${before}${start}${renderMatrix(permissionMatrix(endpoints))}${after}`;
    if (process.env.UPDATE_SECURITY_DOC === "1") return writeFileSync(file, expected);
    expect(doc, "docs/security.md's matrix is stale: run the test with UPDATE_SECURITY_DOC=1").toBe(expected);
  });

  it("every route, as every role and scope: 403 without the permission, never refused for it with it", async () => {
    const failures: string[] = [];
    for (const e of endpoints) {
      if (e.route.public) continue;
      const url = `${server.url}${e.pattern.replace(/:\w+/g, "x1")}`;
      const required = requiredPermission(e.route);
      const own = ACCESS[e.route.operationId]!.own;
      for (const c of callers) {
        const headers: Record<string, string> = { authorization: `Bearer ${c.token}` };
        const hasBody = ["POST", "PUT", "PATCH"].includes(e.method);
        if (hasBody) headers["content-type"] = "application/json";
        const abort = new AbortController();
        const res = await fetch(url, { method: e.method, headers, body: hasBody ? "{}" : undefined, signal: abort.signal });
        const text = e.route.stream && res.status === 200 ? "" : await res.text();
        abort.abort();
        const where = `${e.method} ${e.pattern} as ${c.label}`;
        const deniedForPermission = res.status === 403 && /does not allow/.test(text);
        if (required && !c.permissions.has(required)) {
          if (res.status !== 403) failures.push(`${where}: expected 403 without ${required}, got ${res.status}`);
        } else if (own) {
          // People's own rows: a token is refused (it has no profile, settings or notifications).
          if (res.status !== 403) failures.push(`${where}: expected 403 (people only), got ${res.status}`);
        } else if (deniedForPermission || res.status === 401) {
          failures.push(`${where}: refused (${res.status}) although it holds ${required ?? "no permission needed"}`);
        }
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
