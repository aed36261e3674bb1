// Sign-in throttling (security review M8): a stranger's failures do not lock the owner out, an
// account under a distributed attack stays open to the clients that signed in to it before, and a
// spray of many e-mails from one client is stopped before any password is hashed.
import { describe, expect, it } from "vitest";
import { authenticateWithPassword } from "@/lib/identity/service";
import { createUser, DEMO_PASSWORD } from "@/prisma/factories";
import { db, uid } from "./helpers";

const OWNER = { ip: "198.51.100.10" };
const ATTACKER = { ip: "203.0.113.66" };

describe("sign-in throttling", () => {
  it("an attacker's failures lock the attacker, not the owner", async () => {
    const user = await createUser(db(), { email: `owner-${uid()}@test.local` });
    for (let i = 0; i < 12; i++) await authenticateWithPassword({ email: user.email, password: `guess-${i}` }, ATTACKER);
    expect(await authenticateWithPassword({ email: user.email, password: DEMO_PASSWORD }, ATTACKER)).toMatchObject({ ok: false, reason: "locked" });
    expect(await authenticateWithPassword({ email: user.email, password: DEMO_PASSWORD }, OWNER)).toMatchObject({ ok: true });
  });

  it("under a distributed attack the account locks for new clients, and the owner's known client still signs in", async () => {
    const user = await createUser(db(), { email: `target-${uid()}@test.local` });
    expect(await authenticateWithPassword({ email: user.email, password: DEMO_PASSWORD }, OWNER)).toMatchObject({ ok: true });
    // 50 failures from 50 addresses: no single address reaches its own limit.
    for (let i = 0; i < 50; i++) await authenticateWithPassword({ email: user.email, password: "nope" }, { ip: `192.0.2.${i + 1}` });
    expect(await authenticateWithPassword({ email: user.email, password: DEMO_PASSWORD }, { ip: "198.51.100.99" })).toMatchObject({ ok: false, reason: "locked" });
    expect(await authenticateWithPassword({ email: user.email, password: DEMO_PASSWORD }, OWNER)).toMatchObject({ ok: true });
  }, 60_000);

  it("a spray of many e-mails from one client is stopped, and its next attempts cost no password hashing", async () => {
    const sprayer = { ip: `203.0.113.${Math.floor(Math.random() * 200) + 1}` };
    const victim = await createUser(db(), { email: `sprayed-${uid()}@test.local` });
    for (let i = 0; i < 20; i++) await authenticateWithPassword({ email: `nobody-${uid()}@test.local`, password: "Winter2026!" }, sprayer);
    const started = Date.now();
    const results = await Promise.all(Array.from({ length: 20 }, () => authenticateWithPassword({ email: victim.email, password: DEMO_PASSWORD }, sprayer)));
    expect(results.every((r) => !r.ok && r.reason === "locked")).toBe(true);
    // 20 Argon2 checks would take seconds on this machine; refusals before hashing take milliseconds.
    expect(Date.now() - started).toBeLessThan(1500);
    // Another client is unaffected.
    expect(await authenticateWithPassword({ email: victim.email, password: DEMO_PASSWORD }, OWNER)).toMatchObject({ ok: true });
  }, 60_000);
});
