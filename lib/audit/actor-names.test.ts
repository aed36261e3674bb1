import { describe, expect, it } from "vitest";
import { actorLabel } from "./actor-names";

describe("actorLabel", () => {
  it("names Baton's own actors in words, marked as the system", () => {
    expect(actorLabel("WORKER", "escalation policy")).toBe("Escalation (system)");
    expect(actorLabel("WORKER", "engine")).toBe("Process engine (system)");
    expect(actorLabel("WORKER", "worker:audit-retention")).toBe("Audit retention (system)");
    expect(actorLabel("WORKER", "worker:kpi_rollup")).toBe("Kpi rollup (system)");
    expect(actorLabel("SYSTEM", "single sign-on")).toBe("Single sign-on (system)");
    expect(actorLabel("SYSTEM", "login")).toBe("Sign-in (system)");
    expect(actorLabel("SYSTEM", "decision table vendor-risk")).toBe("Decision table vendor-risk (system)");
    expect(actorLabel("SYSTEM", "cli:token")).toBe("Command line: token (system)");
    expect(actorLabel("SYSTEM", "secrets:rekey")).toBe("Secret re-keying (system)");
  });

  it("never shows a blank or a bare id", () => {
    expect(actorLabel("SYSTEM", "")).toBe("Baton (system)");
    expect(actorLabel("WORKER", null)).toBe("Baton (system)");
    expect(actorLabel("SYSTEM", "clx9k2m3n0000qwertyuiopas")).toBe("Baton (system)");
    expect(actorLabel("USER", "")).toBe("A person (name not recorded)");
    expect(actorLabel("TOKEN", "token:")).toBe("An API token");
  });

  it("keeps people's names and says a token is a token", () => {
    expect(actorLabel("USER", "Maya Fischer")).toBe("Maya Fischer");
    expect(actorLabel("TOKEN", "token:okta-scim")).toBe("okta-scim (API token)");
  });
});
