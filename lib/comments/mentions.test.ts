import { describe, expect, it } from "vitest";
import { parseMentions } from "./mentions";

describe("parseMentions", () => {
  it("finds @e-mail mentions, lower-cased, once each", () => {
    expect(parseMentions("@Dana@acme.test please check, cc @sam@acme.test and @dana@acme.test")).toEqual(["dana@acme.test", "sam@acme.test"]);
  });
  it("drops a sentence's final full stop", () => {
    expect(parseMentions("Asked @rita@acme.test.")).toEqual(["rita@acme.test"]);
  });
  it("ignores plain e-mail addresses and @words", () => {
    expect(parseMentions("mail billing@vendor.test or ping @team")).toEqual([]);
  });
  it("accepts mentions after punctuation and at the start", () => {
    expect(parseMentions("(@a@x.io), @b@y.io")).toEqual(["a@x.io", "b@y.io"]);
  });
});
