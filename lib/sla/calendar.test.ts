import { describe, expect, it } from "vitest";
import { addWorkingDays, addWorkingTime, defaultCalendar, uniformHours, workingTimeBetween, type Calendar } from "./calendar";
import { addDuration, buildPlan, escalationJobId, levelDueAt } from "./plan";
import { calendarInputSchema, escalationPolicySchema, hoursToMinutes, minutesToHours } from "./schemas";

const H = 3_600_000;
const berlin: Calendar = { timeZone: "Europe/Berlin", hours: uniformHours([1, 2, 3, 4, 5], 9 * 60, 17 * 60), holidays: [] };

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
    const dubai: Calendar = { timeZone: "Asia/Dubai", hours: uniformHours([7, 1, 2, 3, 4], 8 * 60, 16 * 60), holidays: [] };
    // Thursday 2026-11-26 15:00 Dubai (11:00Z) + 2 h → Sunday 29 Nov 09:00 Dubai (05:00Z).
    expect(addWorkingTime(new Date("2026-11-26T11:00:00Z"), 2 * H, dubai).toISOString()).toBe("2026-11-29T05:00:00.000Z");
  });

  it("measures working time between two instants", () => {
    expect(workingTimeBetween(new Date("2026-11-27T14:00:00Z"), new Date("2026-11-30T14:00:00Z"), berlin)).toBe(8 * H);
  });

  it("refuses a calendar without working time instead of looping", () => {
    expect(() => addWorkingTime(new Date("2026-11-27T14:00:00Z"), H, { ...berlin, hours: uniformHours([1], 600, 600) })).toThrow(/no working time/);
  });
});

// Mon–Thu 08:00–12:00 and 13:00–17:00 (a lunch break), Friday 08:00–13:00, weekend closed.
// December 2026 in Berlin is CET (UTC+1): Thursday the 3rd, Friday the 4th, Monday the 7th.
const m = (h: number, min = 0) => h * 60 + min;
const longDay = [[m(8), m(12)], [m(13), m(17)]] as const;
const shortFriday: Calendar = { timeZone: "Europe/Berlin", hours: [[...longDay], [...longDay], [...longDay], [...longDay], [[m(8), m(13)]], [], []], holidays: [] };

describe("working hours per weekday (ADR 053)", () => {
  it("counts across the lunch break", () => {
    // Thu 11:00 local + 2 h → 11:00–12:00, then 13:00–14:00.
    expect(addWorkingTime(new Date("2026-12-03T10:00:00Z"), 2 * H, shortFriday).toISOString()).toBe("2026-12-03T13:00:00.000Z");
    // A start during the break counts from 13:00; work ending at the break is due at 12:00.
    expect(addWorkingTime(new Date("2026-12-03T11:30:00Z"), 30 * 60_000, shortFriday).toISOString()).toBe("2026-12-03T12:30:00.000Z");
    expect(addWorkingTime(new Date("2026-12-03T07:00:00Z"), 4 * H, shortFriday).toISOString()).toBe("2026-12-03T11:00:00.000Z");
  });

  it("crosses from a long Thursday into a short Friday, and from Friday's early close over the weekend", () => {
    // Thu 16:00 + 3 h → 1 h Thursday, Friday 08:00–10:00.
    expect(addWorkingTime(new Date("2026-12-03T15:00:00Z"), 3 * H, shortFriday).toISOString()).toBe("2026-12-04T09:00:00.000Z");
    // Fri 12:00 + 2 h → 1 h Friday (closes 13:00), Monday 08:00–09:00.
    expect(addWorkingTime(new Date("2026-12-04T11:00:00Z"), 2 * H, shortFriday).toISOString()).toBe("2026-12-07T08:00:00.000Z");
    // Friday 14:00 is after closing: Monday 08:00 + 1 h.
    expect(addWorkingTime(new Date("2026-12-04T13:00:00Z"), H, shortFriday).toISOString()).toBe("2026-12-07T08:00:00.000Z");
    // Thursday 08:00 to Monday 08:00: 8 h + 5 h.
    expect(workingTimeBetween(new Date("2026-12-03T07:00:00Z"), new Date("2026-12-07T07:00:00Z"), shortFriday)).toBe(13 * H);
  });

  it("skips a holiday that falls on the short day", () => {
    const cal = { ...shortFriday, holidays: ["2026-12-04"] };
    expect(addWorkingTime(new Date("2026-12-03T15:00:00Z"), 3 * H, cal).toISOString()).toBe("2026-12-07T09:00:00.000Z");
  });

  it("keeps local hours across both DST changes in the calendar's zone", () => {
    // Fri 23 Oct 2026 12:00 CEST (10:00Z) + 3 h → 1 h Friday, Monday 26 Oct 08:00–10:00 CET (UTC+1 after 25 Oct).
    expect(addWorkingTime(new Date("2026-10-23T10:00:00Z"), 3 * H, shortFriday).toISOString()).toBe("2026-10-26T09:00:00.000Z");
    // Fri 27 Mar 2026 12:30 CET (11:30Z) + 1 h → 30 min Friday, Monday 30 Mar 08:00–08:30 CEST (UTC+2).
    expect(addWorkingTime(new Date("2026-03-27T11:30:00Z"), H, shortFriday).toISOString()).toBe("2026-03-30T06:30:00.000Z");
  });

  it("an interval across the skipped hour of the spring change is an hour shorter", () => {
    // Sundays 01:00–04:00 only. On 29 Mar 2026 02:00–03:00 does not exist in Berlin: 2 h of work, 00:00Z–02:00Z.
    const night: Calendar = { timeZone: "Europe/Berlin", hours: [[], [], [], [], [], [], [[m(1), m(4)]]], holidays: [] };
    expect(workingTimeBetween(new Date("2026-03-28T00:00:00Z"), new Date("2026-03-30T00:00:00Z"), night)).toBe(2 * H);
    // 2 h 30 min from Saturday → 2 h that night, 30 min from the next Sunday's 01:00 CEST (23:00Z on Saturday 4 April).
    expect(addWorkingTime(new Date("2026-03-28T12:00:00Z"), 2.5 * H, night).toISOString()).toBe("2026-04-04T23:30:00.000Z");
  });

  it("a working day is the same point of the next working day, clipped to a shorter one", () => {
    // Thu 10:00 + 1 day → Fri 10:00; Thu 16:00 (7 h into an 8 h day) → Friday's close, 13:00.
    expect(addWorkingDays(new Date("2026-12-03T09:00:00Z"), 1, shortFriday).toISOString()).toBe("2026-12-04T09:00:00.000Z");
    expect(addWorkingDays(new Date("2026-12-03T15:00:00Z"), 1, shortFriday).toISOString()).toBe("2026-12-04T12:00:00.000Z");
    // Fri 10:00 → Mon 10:00; from Saturday → Monday's close (one whole working day).
    expect(addWorkingDays(new Date("2026-12-04T09:00:00Z"), 1, shortFriday).toISOString()).toBe("2026-12-07T09:00:00.000Z");
    expect(addWorkingDays(new Date("2026-12-05T10:00:00Z"), 1, shortFriday).toISOString()).toBe("2026-12-07T16:00:00.000Z");
  });

  it("weeks count the calendar's working days", () => {
    const clock = { businessHours: true, calendar: shortFriday };
    // Thu 3 Dec 10:00 + P1W → five working days later: Thu 10 Dec 10:00.
    expect(addDuration(new Date("2026-12-03T09:00:00Z"), "P1W", clock).toISOString()).toBe("2026-12-10T09:00:00.000Z");
    // Thu 16:00 + P1DT1H → Friday's close, then Monday 08:00–09:00.
    expect(addDuration(new Date("2026-12-03T15:00:00Z"), "P1DT1H", clock).toISOString()).toBe("2026-12-07T08:00:00.000Z");
  });
});

describe("calendar input", () => {
  const hours = { mon: [{ start: "08:00", end: "12:00" }, { start: "13:00", end: "17:00" }], fri: [{ start: "08:00", end: "13:00" }] };

  it("takes hours per weekday; a day left out is a day off; touching intervals merge", () => {
    const input = calendarInputSchema.parse({ timeZone: "Europe/Berlin", hours: { ...hours, tue: [{ start: "13:00", end: "17:00" }, { start: "08:00", end: "13:00" }] } });
    expect(hoursToMinutes(input)).toEqual([[[480, 720], [780, 1020]], [[480, 1020]], [], [], [[480, 780]], [], []]);
    expect(minutesToHours(hoursToMinutes(input)).fri).toEqual([{ start: "08:00", end: "13:00" }]);
  });

  it("keeps the shorthand of one range on chosen weekdays", () => {
    const input = calendarInputSchema.parse({ timeZone: "UTC", workingDays: [1, 5], start: "09:00", end: "17:30" });
    expect(hoursToMinutes(input)).toEqual([[[540, 1050]], [], [], [], [[540, 1050]], [], []]);
  });

  it("refuses overlaps, backwards intervals, a week without hours and both shapes at once, naming the field", () => {
    const paths = (body: unknown) => calendarInputSchema.safeParse(body).error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    expect(paths({ timeZone: "UTC", hours: { wed: [{ start: "08:00", end: "12:00" }, { start: "11:00", end: "15:00" }] } })).toEqual(["hours.wed.1.start: overlaps 08:00–12:00"]);
    expect(paths({ timeZone: "UTC", hours: { thu: [{ start: "11:00", end: "12:00" }, { start: "08:00", end: "17:00" }, { start: "09:00", end: "10:00" }] } })).toEqual([
      "hours.thu.2.start: overlaps 08:00–17:00",
      "hours.thu.0.start: overlaps 08:00–17:00",
    ]);
    expect(paths({ timeZone: "UTC", hours: { wed: [{ start: "12:00", end: "08:00" }] } })).toEqual(["hours.wed.0.end: must end after it starts"]);
    expect(paths({ timeZone: "UTC", hours: {} })).toEqual(["hours: give at least one day working hours"]);
    expect(paths({ timeZone: "UTC", hours, workingDays: [1], start: "09:00", end: "17:00" })?.[0]).toMatch(/^hours: give either hours/);
    expect(paths({ timeZone: "UTC", hours: { wed: [{ start: "8:00", end: "12:00" }] } })?.[0]).toMatch(/^hours.wed.0.start: must be HH:MM/);
    expect(paths({ timeZone: "UTC" })).toEqual(["hours: give the working hours of each day"]);
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
