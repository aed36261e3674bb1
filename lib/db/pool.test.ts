import { describe, expect, it } from "vitest";
import { types } from "./pool";

// The hot-path pool must hand back rows exactly as Prisma's raw queries do.
describe("pg type parsers", () => {
  const parse = (oid: number, s: string) => (types as unknown as { getTypeParser(oid: number, f?: string): (s: string) => unknown }).getTypeParser(oid, "text")(s);

  it("reads timestamp(3) without zone as UTC", () => {
    expect(parse(1114, "2026-11-26 09:41:52.123")).toEqual(new Date("2026-11-26T09:41:52.123Z"));
  });
  it("reads bigint as BigInt", () => {
    expect(parse(20, "9007199254740993")).toBe(BigInt("9007199254740993"));
  });
  it("parses json and leaves text alone", () => {
    expect(parse(3802, '{"a":[1,2]}')).toEqual({ a: [1, 2] });
    expect(parse(25, "hello")).toBe("hello");
    expect(parse(1009, "{a,b}")).toEqual(["a", "b"]);
  });
});
