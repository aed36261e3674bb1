import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "../env";
import { claimValues, mappedGroups, mappedRole, ssoSettings, type SsoSettings } from "./sso";

const VALID = { DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/baton_dev", AUTH_SECRET: "0123456789abcdef0123" };
const OIDC = { OIDC_ISSUER: "https://login.example.com/realms/acme", OIDC_CLIENT_ID: "baton", OIDC_CLIENT_SECRET: "s3cret" };

function problem(source: Record<string, string>): string {
  try {
    parseEnv(source);
  } catch (e) {
    expect(e).toBeInstanceOf(EnvError);
    return (e as Error).message;
  }
  throw new Error("expected parseEnv to throw");
}

describe("single sign-on settings", () => {
  it("are off unless issuer, client id and secret are all set", () => {
    expect(ssoSettings(parseEnv(VALID))).toBeNull();
    expect(problem({ ...VALID, OIDC_ISSUER: OIDC.OIDC_ISSUER })).toContain("needs all of OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET");
    expect(problem({ ...VALID, ...OIDC, OIDC_ISSUER: "not a url" })).toContain("OIDC_ISSUER");
    expect(ssoSettings(parseEnv({ ...VALID, ...OIDC }))).toMatchObject({ issuer: OIDC.OIDC_ISSUER, roleMap: [], groupMap: [] });
  });

  it("read the role and group maps, and refuse a role that does not exist", () => {
    const s = ssoSettings(parseEnv({ ...VALID, ...OIDC, OIDC_ROLE_CLAIM: "roles", OIDC_ROLE_MAP: "baton-admins=ADMIN, leads=SUPERVISOR", OIDC_GROUPS_CLAIM: "groups", OIDC_GROUP_MAP: "Finance AP=finance-ap" }));
    expect(s).toMatchObject({ roleMap: [["baton-admins", "ADMIN"], ["leads", "SUPERVISOR"]], groupMap: [["Finance AP", "finance-ap"]] });
    expect(problem({ ...VALID, ...OIDC, OIDC_ROLE_MAP: "boss=OWNER" })).toContain("not ADMIN, SUPERVISOR, AUDITOR or MEMBER");
    expect(problem({ ...VALID, ...OIDC, OIDC_GROUP_MAP: "no-equals-sign" })).toContain('must be "claim value=group key"');
  });

  it("refuse switching passwords off without single sign-on (nobody could sign in)", () => {
    expect(parseEnv(VALID).PASSWORD_SIGNIN).toBe(true);
    expect(problem({ ...VALID, PASSWORD_SIGNIN: "false" })).toContain("PASSWORD_SIGNIN");
    expect(parseEnv({ ...VALID, ...OIDC, PASSWORD_SIGNIN: "false" }).PASSWORD_SIGNIN).toBe(false);
  });
});

describe("claims to role and groups", () => {
  const base: SsoSettings = { issuer: "https://idp", roleMap: [], groupMap: [] };

  it("reads nested claims (Keycloak's realm_access.roles) and single strings", () => {
    expect(claimValues({ realm_access: { roles: ["a", "b", 3] } }, "realm_access.roles")).toEqual(["a", "b"]);
    expect(claimValues({ role: "admin" }, "role")).toEqual(["admin"]);
    expect(claimValues({ "https://baton/roles": ["x"] }, "https://baton/roles")).toEqual(["x"]);
    expect(claimValues({}, "groups")).toBeNull();
  });

  it("gives the highest mapped role, MEMBER when none maps, and nothing without a role claim", () => {
    const s = { ...base, roleClaim: "roles", roleMap: [["leads", "SUPERVISOR"], ["admins", "ADMIN"]] as SsoSettings["roleMap"] };
    expect(mappedRole({ roles: ["leads", "admins"] }, s)).toBe("ADMIN");
    expect(mappedRole({ roles: ["leads"] }, s)).toBe("SUPERVISOR");
    expect(mappedRole({ roles: ["ADMIN"] }, s)).toBe("MEMBER");
    expect(mappedRole({}, s)).toBe("MEMBER");
    expect(mappedRole({ roles: ["auditor"] }, { ...base, roleClaim: "roles" })).toBe("AUDITOR");
    expect(mappedRole({ roles: ["admins"] }, base)).toBeNull();
  });

  it("maps groups through the map (deciding only mapped groups) or takes keys as they are (deciding all)", () => {
    const s = { ...base, groupsClaim: "groups", groupMap: [["Finance AP", "finance-ap"], ["Procurement", "procurement"]] as [string, string][] };
    expect(mappedGroups({ groups: ["Finance AP", "Other"] }, s)).toEqual({ keys: ["finance-ap"], managed: ["finance-ap", "procurement"] });
    expect(mappedGroups({ groups: ["finance-ap", "finance-ap"] }, { ...base, groupsClaim: "groups" })).toEqual({ keys: ["finance-ap"], managed: "all" });
    expect(mappedGroups({ groups: ["x"] }, base)).toBeNull();
  });
});
