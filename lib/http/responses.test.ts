import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { etag, parseIfMatch, readJson } from "./responses";

function req(headers: Record<string, string> = {}, body?: string): Request {
  return new Request("http://localhost/api/v1/tasks/t1/decision", { method: "POST", headers, body });
}

async function rejection(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error("expected an AppError");
}

describe("parseIfMatch", () => {
  it("reads strong, weak and bare versions", () => {
    expect(parseIfMatch(req({ "if-match": '"7"' }))).toBe(7);
    expect(parseIfMatch(req({ "if-match": 'W/"12"' }))).toBe(12);
    expect(parseIfMatch(req({ "if-match": " 3 " }))).toBe(3);
  });

  it("treats a missing header and * as no precondition", () => {
    expect(parseIfMatch(req())).toBeUndefined();
    expect(parseIfMatch(req({ "if-match": "*" }))).toBeUndefined();
  });

  it("rejects anything else with 400", () => {
    for (const bad of ['"abc"', '"1", "2"', "v3", '"-1"']) {
      let err: unknown;
      try {
        parseIfMatch(req({ "if-match": bad }));
      } catch (e) {
        err = e;
      }
      expect(err, bad).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe("BAD_REQUEST");
      expect((err as AppError).status).toBe(400);
    }
  });

  it("round-trips with etag()", () => {
    expect(parseIfMatch(req({ "if-match": etag(42) }))).toBe(42);
    expect(etag(1)).toBe('"1"');
  });
});

describe("readJson", () => {
  it("parses application/json and +json bodies", async () => {
    expect(await readJson(req({ "content-type": "application/json" }, '{"a":1}'))).toEqual({ a: 1 });
    expect(await readJson(req({ "content-type": "application/merge-patch+json; charset=utf-8" }, "[]"))).toEqual([]);
  });

  it("415 for other content types", async () => {
    const err = await rejection(readJson(req({ "content-type": "text/plain" }, '{"a":1}')));
    expect(err.code).toBe("UNSUPPORTED_MEDIA_TYPE");
    expect(err.status).toBe(415);
  });

  it("400 for malformed JSON and for a required empty body", async () => {
    expect((await rejection(readJson(req({ "content-type": "application/json" }, "{nope")))).code).toBe("BAD_REQUEST");
    expect((await rejection(readJson(req({ "content-type": "application/json" }, "")))).code).toBe("BAD_REQUEST");
    expect(await readJson(req({}, ""), { optional: true })).toEqual({});
  });

  it("413 above 1 MB", async () => {
    const big = JSON.stringify({ x: "y".repeat(1024 * 1024) });
    expect((await rejection(readJson(req({ "content-type": "application/json" }, big)))).status).toBe(413);
  });
});
