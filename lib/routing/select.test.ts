import { describe, expect, it } from "vitest";
import { conditionHolds, eligibleMembers, firstMatchingRule, isOutOfOffice, leastLoaded, nextInTurn, weightedLoad } from "./select";

const now = new Date("2026-11-26T12:00:00Z");
const person = (id: string, extra: Partial<{ skills: string[]; active: boolean; outOfOfficeFrom: Date | null; outOfOfficeUntil: Date | null }> = {}) => ({
  id,
  name: id.toUpperCase(),
  active: true,
  skills: [],
  outOfOfficeFrom: null,
  outOfOfficeUntil: null,
  ...extra,
});

describe("routing rules", () => {
  it("out of office is [from, until) with open ends", () => {
    expect(isOutOfOffice(person("a"), now)).toBe(false);
    expect(isOutOfOffice(person("a", { outOfOfficeFrom: new Date("2026-11-26T00:00:00Z") }), now)).toBe(true);
    expect(isOutOfOffice(person("a", { outOfOfficeUntil: new Date("2026-11-26T12:00:00Z") }), now)).toBe(false);
    expect(isOutOfOffice(person("a", { outOfOfficeFrom: new Date("2026-11-27T00:00:00Z") }), now)).toBe(false);
  });

  it("eligibility says why each skipped person was skipped", () => {
    const { eligible, skipped } = eligibleMembers(
      [person("d", { skills: ["credit"] }), person("a", { skills: ["credit"], active: false }), person("b"), person("c", { skills: ["credit"], outOfOfficeFrom: now }), person("e", { skills: ["credit"] })],
      { now, requiredSkills: ["credit"], requesterId: "e" },
    );
    expect(eligible.map((p) => p.id)).toEqual(["d"]);
    expect(skipped.map((s) => [s.id, s.why])).toEqual([
      ["a", "inactive"],
      ["b", "missing_skills"],
      ["c", "out_of_office"],
      ["e", "requester"],
    ]);
  });

  it("turns wrap around and survive membership changes", () => {
    const ps = [person("a"), person("c"), person("e")];
    expect(nextInTurn(ps, null)?.id).toBe("a");
    expect(nextInTurn(ps, "a")?.id).toBe("c");
    expect(nextInTurn(ps, "b")?.id).toBe("c");
    expect(nextInTurn(ps, "e")?.id).toBe("a");
    expect(nextInTurn([], "a")).toBeNull();
  });

  it("weights open work by priority and breaks ties by turn", () => {
    expect(weightedLoad({ URGENT: 1, HIGH: 1, NORMAL: 2, LOW: 1 })).toBe(8.5);
    const loaded = [
      { id: "a", load: 2 },
      { id: "b", load: 1 },
      { id: "c", load: 1 },
    ];
    expect(leastLoaded(loaded, null)?.id).toBe("b");
    expect(leastLoaded(loaded, "b")?.id).toBe("c");
  });

  it("evaluates conditions over nested context", () => {
    const ctx = { amount: 1200, vendor: { risk: "high", tags: ["new"] }, note: "urgent payment" };
    expect(conditionHolds({ var: "amount", op: "gte", value: 1200 }, ctx)).toBe(true);
    expect(conditionHolds({ var: "amount", op: "lt", value: "1300" }, ctx)).toBe(false);
    expect(conditionHolds({ var: "vendor.risk", op: "in", value: ["high", "medium"] }, ctx)).toBe(true);
    expect(conditionHolds({ var: "vendor.tags", op: "contains", value: "new" }, ctx)).toBe(true);
    expect(conditionHolds({ var: "note", op: "contains", value: "urgent" }, ctx)).toBe(true);
    expect(conditionHolds({ var: "po", op: "exists" }, ctx)).toBe(false);
    expect(conditionHolds({ var: "po", op: "exists", value: false }, ctx)).toBe(true);
    const m = firstMatchingRule(
      [
        { when: [{ var: "amount", op: "gt", value: 10000 }], then: { group: "leads" } },
        { when: [], then: { group: "clerks" } },
      ],
      ctx,
    );
    expect(m).toMatchObject({ index: 1, inputs: { amount: 1200 } });
  });
});
