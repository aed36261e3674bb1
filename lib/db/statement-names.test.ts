import { describe, expect, it } from "vitest";
import { StatementNames } from "./pool";

// Security review M10: however many distinct SQL texts requests produce, the named (prepared,
// kept per connection) statements stay bounded.
describe("StatementNames", () => {
  it("names a text from its second use, with a stable name", () => {
    const n = new StatementNames(10);
    expect(n.nameFor("SELECT 1")).toBeUndefined();
    const name = n.nameFor("SELECT 1");
    expect(name).toMatch(/^b_[0-9a-f]{20}$/);
    expect(n.nameFor("SELECT 1")).toBe(name);
  });

  it("never names more than its limit, and keeps the names it gave", () => {
    const n = new StatementNames(5);
    const first = (n.nameFor("q0"), n.nameFor("q0"));
    for (let i = 0; i < 10_000; i++) {
      n.nameFor(`SELECT ${i}`);
      n.nameFor(`SELECT ${i}`);
    }
    expect(n.size).toBe(5);
    expect(n.nameFor("q0")).toBe(first);
    expect(n.nameFor("SELECT 9999")).toBeUndefined();
  });
});
