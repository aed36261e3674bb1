import { describe, expect, it } from "vitest";
import { preferences, prefersAsync } from "./prefer";

describe("Prefer header (RFC 7240)", () => {
  it("reads tokens, values and parameters; names are case-insensitive; the first wins", () => {
    const h = new Headers({ prefer: 'Respond-Async, wait=10; x=1, return="minimal", wait=3' });
    expect([...preferences(h)]).toEqual([
      ["respond-async", true],
      ["wait", "10"],
      ["return", "minimal"],
    ]);
    expect(prefersAsync(h)).toBe(true);
  });
  it("is absent without the header or with other preferences", () => {
    expect(prefersAsync(new Headers())).toBe(false);
    expect(prefersAsync(new Headers({ prefer: "return=minimal" }))).toBe(false);
  });
});
