import { describe, expect, it } from "vitest";
import { dueWindow } from "./filters";

const range = (w: ReturnType<typeof dueWindow>) => {
  const d = w.dueAt as { gte?: Date; lt: Date };
  return [d.gte?.toISOString() ?? null, d.lt.toISOString()];
};

describe("dueWindow", () => {
  const now = new Date("2026-11-26T23:30:00Z"); // Thursday 23:30 UTC = Friday 00:30 in Berlin

  it("overdue is before now, whatever the zone", () => {
    expect(range(dueWindow("overdue", now, "Asia/Tokyo"))).toEqual([null, now.toISOString()]);
  });

  it("today and this week in UTC", () => {
    expect(range(dueWindow("today", now))).toEqual(["2026-11-26T00:00:00.000Z", "2026-11-27T00:00:00.000Z"]);
    expect(range(dueWindow("week", now))).toEqual(["2026-11-26T00:00:00.000Z", "2026-11-30T00:00:00.000Z"]);
  });

  it("today and this week in the person's zone: already Friday in Berlin", () => {
    expect(range(dueWindow("today", now, "Europe/Berlin"))).toEqual(["2026-11-26T23:00:00.000Z", "2026-11-27T23:00:00.000Z"]);
    // The ISO week ends Monday 30 November, 00:00 Berlin time.
    expect(range(dueWindow("week", now, "Europe/Berlin"))).toEqual(["2026-11-26T23:00:00.000Z", "2026-11-29T23:00:00.000Z"]);
  });

  it("a day with a DST change is 23 hours long", () => {
    const springForward = new Date("2026-03-08T12:00:00Z");
    expect(range(dueWindow("today", springForward, "America/New_York"))).toEqual(["2026-03-08T05:00:00.000Z", "2026-03-09T04:00:00.000Z"]);
  });
});
