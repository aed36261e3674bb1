import { createVNode } from "inferno/dist/index.esm.js";
import { describe, expect, it } from "vitest";
import { nameRuleNumberHeader } from "./dmn-rule-number-header";

// The shape dmn-js' DecisionTableHead renders: thead > tr > [th.index-column (empty), th.input-cell …].
const head = (first = createVNode(1, "th", "index-column")) =>
  createVNode(1, "thead", null, createVNode(1, "tr", null, [first, createVNode(1, "th", "input-cell", "When")], 0), 2);

describe("the rule-number column's header", () => {
  it("gets a visually hidden name", () => {
    const thead = nameRuleNumberHeader(head())!;
    const th = ((thead.children as { children: unknown[] }).children[0]) as { children: { className: string; children: { children: string } } };
    expect(th.children.className).toBe("sr-only");
    expect(th.children.children.children).toBe("Rule number");
  });

  it("leaves a head it does not recognise as it is", () => {
    const other = head(createVNode(1, "th", "something-else"));
    const th = (other.children as { children: { children: unknown }[] }).children[0]!;
    nameRuleNumberHeader(other);
    expect(th.children).toBeFalsy();
    expect(nameRuleNumberHeader(null)).toBeNull();
  });
});
