// dmn-js draws a decision table's rule-number column with an empty header cell
// (`<th class="index-column">`): a column header a screen reader announces as nothing (axe
// `empty-table-header`). This dmn-js module names it: the same table head, with a visually hidden
// "Rule number" in that cell. dmn-js renders with Inferno (its own dependency, one version in the
// tree), imported by its file so that Inferno's global JSX types stay out of Baton's React ones
// (dmn-js.d.ts declares the two functions used); the head component is dmn-js' own, taken from its
// component registry, so the rest of the head (its slots, the editor's controls) is unchanged.
import { createTextVNode, createVNode, type VNode } from "inferno/dist/index.esm.js";

interface Components {
  getComponent(type: string, context?: unknown): unknown;
  onGetComponent(type: string, priority: number, callback: () => unknown): void;
}

type HeadClass = new (props: unknown, context: unknown) => { render(): VNode | null };

const VNODE_HTML_ELEMENT = 1;
const CHILD_FLAGS_ONE_VNODE = 2;

/** Gives the rule-number column's header cell its text (in the vnode tree dmn-js' head rendered). */
export function nameRuleNumberHeader(thead: VNode | null): VNode | null {
  const row = thead?.children as VNode | undefined;
  const cells = row?.children;
  const first = Array.isArray(cells) ? (cells[0] as VNode | undefined) : undefined;
  if (!first || first.type !== "th" || first.className !== "index-column" || first.children) return thead;
  first.children = createVNode(VNODE_HTML_ELEMENT, "span", "sr-only", createTextVNode("Rule number"), CHILD_FLAGS_ONE_VNODE);
  first.childFlags = CHILD_FLAGS_ONE_VNODE;
  return thead;
}

function RuleNumberHeaderProvider(components: Components) {
  // Additional modules start after dmn-js' own, so its head is registered by now.
  const Head = components.getComponent("table.head") as HeadClass | undefined;
  if (!Head) return;
  class NamedHead extends Head {
    render() {
      return nameRuleNumberHeader(super.render());
    }
  }
  components.onGetComponent("table.head", 2000, () => NamedHead);
}
RuleNumberHeaderProvider.$inject = ["components"];

/** For `new Modeler({ decisionTable: { additionalModules: [ruleNumberHeaderModule] } })`. */
export const ruleNumberHeaderModule = {
  __init__: ["batonRuleNumberHeader"],
  batonRuleNumberHeader: ["type", RuleNumberHeaderProvider],
};
