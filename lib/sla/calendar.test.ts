import { describe, expect, it } from "vitest";
import { addWorkingTime, defaultCalendar, workingTimeBetween, type Calendar } from "./calendar";
import { addDuration, buildPlan, escalationJobId, levelDueAt } from "./plan";
import { escalationPolicySchema } from "./schemas";

const H = 3_600_000;
const berlin: Calendar = { timeZone: "Europe/Berlin", workingDays: [1, 2, 3, 4, 5], startMinute: 9 * 60, endMinute: 17 * 60, holidays: [] };

describe("working time on a business calendar", () => {
  it("8 business hours from Friday 15:00 Berlin end on Monday 15:00 (the weekend does not count)", () => {
    // 2026-11-27 is a Friday; 15:00 in Berlin (CET, UTC+1) is 14:00Z.
    const due = addWorkingTime(new Date("2026-11-27T14:00:00Z"), 8 * H, berlin);
    expect(due.toISOString()).toBe("2026-11-30T14:00:00.000Z");
  });

  it("a start on Saturday counts from Monday 09:00", () => {
    const due = addWorkingTime(new Date("2026-11-28T10:00:00Z"), 2 * H, berlin);
    expect(due.toISOString()).toBe("2026-11-30T10:00:00.000Z"); // Monday 11:00 Berlin
  });

  it("a start before opening counts from 09:00, after closing from the next working morning", () => {
    expect(addWorkingTime(new Date("2026-11-26T06:00:00Z"), H, berlin).toISOString()).toBe("2026-11-26T09:00:00.000Z"); // Thu 07:00 → 10:00 local
    expect(addWorkingTime(new Date("2026-11-26T18:00:00Z"), H, berlin).toISOString()).toBe("2026-11-27T09:00:00.000Z"); // Thu 19:00 → Fri 10:00 local
  });

  it("work that ends exactly at closing time is due at closing, not the next morning", () => {
    expect(addWorkingTime(new Date("2026-11-26T08:00:00Z"), 8 * H, berlin).toISOString()).toBe("2026-11-26T16:00:00.000Z");
  });

  it("holidays are skipped like weekends", () => {
    const cal = { ...berlin, holidays: ["2026-11-30"] };
    expect(addWorkingTime(new Date("2026-11-27T14:00:00Z"), 8 * H, cal).toISOString()).toBe("2026-12-01T14:00:00.000Z");
  });

  it("a weekend across the DST change keeps local working hours (Berlin moves to CEST on 29 March 2026)", () => {
    // Friday 27 March 16:00 CET (15:00Z) + 2 h → Monday 30 March 10:00 CEST = 08:00Z.
    expect(addWorkingTime(new Date("2026-03-27T15:00:00Z"), 2 * H, berlin).toISOString()).toBe("2026-03-30T08:00:00.000Z");
  });

  it("a Sunday-to-Thursday calendar in another time zone", () => {
    const dubai: Calendar = { timeZone: "Asia/Dubai", workingDays: [7, 1, 2, 3, 4], startMinute: 8 * 60, endMinute: 16 * 60, holidays: [] };
    // Thursday 2026-11-26 15:00 Dubai (11:00Z) + 2 h → Sunday 29 Nov 09:00 Dubai (05:00Z).
    expect(addWorkingTime(new Date("2026-11-26T11:00:00Z"), 2 * H, dubai).toISOString()).toBe("2026-11-29T05:00:00.000Z");
  });

  it("measures working time between two instants", () => {
    expect(workingTimeBetween(new Date("2026-11-27T14:00:00Z"), new Date("2026-11-30T14:00:00Z"), berlin)).toBe(8 * H);
  });

  it("refuses a calendar without working time instead of looping", () => {
    expect(() => addWorkingTime(new Date("2026-11-27T14:00:00Z"), H, { ...berlin, workingDays: [1], holidays: [] , startMinute: 600, endMinute: 600 })).toThrow(/no working time/);
  });
});

describe("durations on the SLA clock", () => {
  it("wall-clock durations ignore the calendar", () => {
    expect(addDuration(new Date("2026-11-27T14:00:00Z"), "PT8H", { businessHours: false, calendar: berlin }).toISOString()).toBe("2026-11-27T22:00:00.000Z");
  });

  it("in business hours a day is a working day and hours are working hours", () => {
    const clock = { businessHours: true, calendar: berlin };
    expect(addDuration(new Date("2026-11-27T14:00:00Z"), "P1D", clock).toISOString()).toBe("2026-11-30T14:00:00.000Z");
    expect(addDuration(new Date("2026-11-27T14:00:00Z"), "P1DT2H", clock).toISOString()).toBe("2026-11-30T16:00:00.000Z");
    expect(addDuration(new Date("2026-11-27T14:00:00Z"), "PT30M", clock).toISOString()).toBe("2026-11-27T14:30:00.000Z");
  });

  it("a plan places every level, and a pause shifts them", () => {
    const policy = escalationPolicySchema.parse({
      businessHours: true,
      levels: [
        { after: "PT6H", action: "remind" },
        { after: "PT8H", action: "supervisor" },
      ],
    });
    const plan = buildPlan(policy, new Date("2026-11-27T14:00:00Z"), { businessHours: true, calendar: defaultCalendar("Europe/Berlin") }, "g1");
    expect(plan.levels.map((l) => l.at)).toEqual(["2026-11-30T12:00:00.000Z", "2026-11-30T14:00:00.000Z"]);
    expect(levelDueAt(plan, 1, 90_000)?.toISOString()).toBe("2026-11-30T14:01:30.000Z");
    expect(levelDueAt(plan, 2, 0)).toBeNull();
    expect(escalationJobId("t1", 2, new Date(1000))).toBe("escalate.t1.2.1000");
  });
});

describe("escalation policy validation", () => {
  it("rejects levels out of order and a terminal level before the last", () => {
    const r = escalationPolicySchema.safeParse({ levels: [{ after: "PT8H", action: "remind" }, { after: "PT6H", action: "supervisor" }] });
    expect(r.success).toBe(false);
    const t = escalationPolicySchema.safeParse({ levels: [{ after: "PT1H", action: "fail" }, { after: "PT2H", action: "remind" }] });
    expect(t.success).toBe(false);
    expect(t.error?.issues[0]?.message).toMatch(/must be the last level/);
  });

  it("needs the target of each action", () => {
    expect(escalationPolicySchema.safeParse({ levels: [{ after: "PT1H", action: "reassign" }] }).success).toBe(false);
    expect(escalationPolicySchema.safeParse({ levels: [{ after: "PT1H", action: "group" }] }).success).toBe(false);
    expect(escalationPolicySchema.safeParse({ levels: [{ after: "PT1H", action: "auto_decide", outcome: "approve" }] }).success).toBe(false);
    expect(escalationPolicySchema.safeParse({ levels: [{ after: "soon", action: "remind" }] }).success).toBe(false);
    expect(escalationPolicySchema.safeParse({ levels: [{ after: "PT1H", action: "auto_decide", outcome: "approve", reason: "Low amount: approved on timeout" }] }).success).toBe(true);
  });
});
