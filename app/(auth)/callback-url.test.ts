import { describe, expect, it } from "vitest";
import { safeCallbackUrl } from "./callback-url";

// Security review M2: the post-login destination is always a path of this site.
describe("safeCallbackUrl", () => {
  it("keeps a path of this site with its query and fragment", () => {
    expect(safeCallbackUrl("/tasks/abc?tab=history#c1")).toBe("/tasks/abc?tab=history#c1");
    expect(safeCallbackUrl("/inbox?view=mine&q=a+b")).toBe("/inbox?view=mine&q=a+b");
  });

  it("refuses every way to another origin", () => {
    for (const evil of [
      "//evil.example",
      "/\t/evil.example",
      "/\n/evil.example",
      "/\\evil.example",
      "/\t\\evil.example",
      "/%09/evil.example/x".replace("%09", "\t"),
      "https://evil.example/",
      "javascript:alert(1)",
      "/ /evil.example",
      "\u0000/evil",
      "evil.example",
    ]) {
      expect(safeCallbackUrl(evil), JSON.stringify(evil)).toBe("/inbox");
    }
  });

  it("never sends back to the login page, and takes the first of repeated values", () => {
    expect(safeCallbackUrl("/login?callbackUrl=/x")).toBe("/inbox");
    expect(safeCallbackUrl(["/team", "//evil"])).toBe("/team");
    expect(safeCallbackUrl(undefined)).toBe("/inbox");
  });
});
