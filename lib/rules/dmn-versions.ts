// DMN 1.1 to 1.5 differ in their XML namespaces far more than in their structure. dmn-moddle reads
// the DMN 1.3 meta-model, so a file of another version is read with its namespaces mapped to 1.3's,
// and written back with the namespaces it came with (the stored XML is the file as uploaded).

export const DMN_VERSIONS = ["1.1", "1.2", "1.3", "1.4", "1.5"] as const;
export type DmnVersion = (typeof DMN_VERSIONS)[number];

const MODEL_NS: Record<DmnVersion, string> = {
  "1.1": "http://www.omg.org/spec/DMN/20151101/dmn.xsd",
  "1.2": "http://www.omg.org/spec/DMN/20180521/MODEL/",
  "1.3": "https://www.omg.org/spec/DMN/20191111/MODEL/",
  "1.4": "https://www.omg.org/spec/DMN/20211108/MODEL/",
  "1.5": "https://www.omg.org/spec/DMN/20230324/MODEL/",
};
const DMNDI_NS: Partial<Record<DmnVersion, string>> = {
  "1.2": "http://www.omg.org/spec/DMN/20180521/DMNDI/",
  "1.3": "https://www.omg.org/spec/DMN/20191111/DMNDI/",
  "1.4": "https://www.omg.org/spec/DMN/20191111/DMNDI/",
  "1.5": "https://www.omg.org/spec/DMN/20230324/DMNDI/",
};
const FEEL_NS: Record<DmnVersion, string> = {
  "1.1": "http://www.omg.org/spec/FEEL/20140401",
  "1.2": "http://www.omg.org/spec/DMN/20180521/FEEL/",
  "1.3": "https://www.omg.org/spec/DMN/20191111/FEEL/",
  "1.4": "https://www.omg.org/spec/DMN/20211108/FEEL/",
  "1.5": "https://www.omg.org/spec/DMN/20230324/FEEL/",
};

/** The DMN version of a document, from the namespace its elements are in; null when none is recognised. */
export function detectDmnVersion(xml: string): DmnVersion | null {
  const root = /<([\w-]+:)?definitions\b[^>]*>/.exec(xml)?.[0];
  if (!root) return null;
  const prefix = /<([\w-]+):definitions/.exec(root)?.[1];
  const attr = prefix ? new RegExp(`xmlns:${prefix}=("[^"]+"|'[^']+')`) : /\bxmlns=("[^"]+"|'[^']+')/;
  const nsAttr = attr.exec(root)?.[1]?.slice(1, -1);
  if (!nsAttr) return null;
  const found = DMN_VERSIONS.find((v) => MODEL_NS[v] === nsAttr.trim());
  return found ?? null;
}

function replaceAll(xml: string, from: string, to: string): string {
  return from === to ? xml : xml.split(from).join(to);
}

/** The document with its DMN, DMNDI and FEEL namespaces rewritten from `from` to `to`. */
export function convertDmnNamespaces(xml: string, from: DmnVersion, to: DmnVersion): string {
  let out = replaceAll(xml, MODEL_NS[from], MODEL_NS[to]);
  const fromDi = DMNDI_NS[from];
  const toDi = DMNDI_NS[to];
  if (fromDi && toDi) out = replaceAll(out, fromDi, toDi);
  return replaceAll(out, FEEL_NS[from], FEEL_NS[to]);
}

export const SUPPORTED_NAMESPACES = DMN_VERSIONS.map((v) => `DMN ${v}: ${MODEL_NS[v]}`).join("; ");
