import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { parseFilter } from "./filter";

const USER_ATTRS = ["username", "externalid", "emails.value"] as const;

describe("SCIM filters", () => {
  it("reads eq terms, case-insensitive names, escaped quotes and and-joined terms", () => {
    expect(parseFilter('userName eq "maya@example.com"', USER_ATTRS)).toEqual([{ attribute: "username", value: "maya@example.com" }]);
    expect(parseFilter('externalId EQ "a\\"b"', USER_ATTRS)).toEqual([{ attribute: "externalid", value: 'a"b' }]);
    expect(parseFilter('userName eq "x" and externalId eq "y"', USER_ATTRS)).toHaveLength(2);
  });

  it.each(['userName co "maya"', 'title eq "boss"', "userName eq maya", 'userName eq "x" or externalId eq "y"', ""])("refuses %j as invalidFilter", (f) => {
    try {
      parseFilter(f, USER_ATTRS);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).details?.scimType).toBe("invalidFilter");
    }
  });
});
