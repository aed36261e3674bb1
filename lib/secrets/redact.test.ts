import { describe, expect, it } from "vitest";
import { REDACTED, redactText, redactValue } from "./redact";
import { renderHeaderTemplate, secretRefs } from "./references";

describe("redaction", () => {
  const secret = "s3cr3t-T0ken/with+chars";
  it("replaces the value wherever it appears, also encoded", () => {
    const text = `failed: Bearer ${secret}; q=${encodeURIComponent(secret)}; basic ${Buffer.from(secret).toString("base64")}`;
    const out = redactText(text, [secret]);
    expect(out).not.toContain(secret);
    expect(out).not.toContain(encodeURIComponent(secret));
    expect(out).not.toContain(Buffer.from(secret).toString("base64").replace(/=+$/, ""));
    expect(out.split(REDACTED)).toHaveLength(4);
  });

  it("walks objects and arrays, keys included", () => {
    const out = redactValue({ echo: { headers: { authorization: `Bearer ${secret}` } }, list: [secret], [secret]: 1 }, [secret]);
    expect(JSON.stringify(out)).not.toContain(secret);
    expect(out.list).toEqual([REDACTED]);
  });

  it("leaves text alone without values, and ignores values too short to be told from ordinary text", () => {
    expect(redactText("abc", [])).toBe("abc");
    expect(redactText("a b c", ["b"])).toBe("a b c");
  });
});

describe("secret references in header templates", () => {
  it("finds names and renders them from the secrets, other paths from the variables", () => {
    expect(secretRefs("Bearer {{ secrets.erp_token }} for {{vendor}}")).toEqual(["erp_token"]);
    expect(renderHeaderTemplate("Bearer {{ secrets.erp_token }} for {{vendor}}", { vendor: "ACME", secrets: { erp_token: "from-variables" } }, { erp_token: "xyz" })).toBe("Bearer xyz for ACME");
  });

  it("never renders a value's own braces again", () => {
    expect(renderHeaderTemplate("{{secrets.a}}", { vendor: "ACME" }, { a: "{{vendor}}" })).toBe("{{vendor}}");
  });
});
