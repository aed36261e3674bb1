import dmn13 from "dmn-moddle/resources/dmn/json/dmn13.json";
import dmndi13 from "dmn-moddle/resources/dmn/json/dmndi13.json";

// dmn-moddle describes DMN 1.3. DMN 1.4 and 1.5 add boxed expressions (conditional, filter, for,
// some, every), item definitions' typeConstraint and a DMNDI attribute; this module extends
// dmn-moddle's own descriptors with them, so files of every version read through one meta-model.

type Descriptor = Record<string, unknown> & { types: { name: string; superClass?: string[]; isAbstract?: boolean; properties?: unknown[] }[] };

const child = (name: string, type = "ChildExpression") => ({ name, type, xml: { serialize: "property" } });

const DMN15_TYPES = [
  { name: "ChildExpression", superClass: ["DMNElement"], properties: [{ name: "value", type: "Expression" }] },
  { name: "TypedChildExpression", superClass: ["ChildExpression"], properties: [{ name: "typeRef", type: "String", isAttr: true }] },
  { name: "Conditional", superClass: ["Expression"], properties: [child("if"), child("then"), child("else")] },
  { name: "Filter", superClass: ["Expression"], properties: [child("in"), child("match")] },
  { name: "Iterator", superClass: ["Expression"], isAbstract: true, properties: [{ name: "iteratorVariable", type: "String", isAttr: true }, child("in", "TypedChildExpression")] },
  { name: "For", superClass: ["Iterator"], properties: [child("return")] },
  { name: "Quantified", superClass: ["Iterator"], isAbstract: true, properties: [child("satisfies")] },
  { name: "Some", superClass: ["Quantified"] },
  { name: "Every", superClass: ["Quantified"] },
];

function extendDmn(): Descriptor {
  const d = structuredClone(dmn13) as unknown as Descriptor;
  d.types = d.types.map((t) =>
    t.name === "ItemDefinition" ? { ...t, properties: [...(t.properties ?? []), { name: "typeConstraint", type: "UnaryTests", xml: { serialize: "property" } }] } : t,
  );
  d.types.push(...DMN15_TYPES);
  return d;
}

function extendDmndi(): Descriptor {
  const d = structuredClone(dmndi13) as unknown as Descriptor;
  d.types = d.types.map((t) => (t.name === "DMNShape" ? { ...t, properties: [...(t.properties ?? []), { name: "useAlternativeInputDataShape", type: "Boolean", isAttr: true }] } : t));
  return d;
}

/** The packages to hand `new DmnModdle(…)`: they replace dmn-moddle's `dmn` and `dmndi` packages. */
export const DMN15_PACKAGES = { dmn: extendDmn(), dmndi: extendDmndi() };
