/**
 * Runs the official DMN TCK test cases (compliance levels 2 and 3) through Baton's own DMN
 * reading (lib/rules/drg.ts, the code behind uploads) and evaluation (lib/rules/drg-evaluate.ts).
 * Prints the failures grouped by cause and ends with one JSON line:
 *   {"bench":"dmn-tck","level2_passed":N,"level2_total":N,"level3_passed":N,"level3_total":N}
 *
 *   npm run tck                     both levels
 *   npm run tck -- --level 2        one level
 *   npm run tck -- --verbose 0009   every failing case of the folders matching 0009
 *   TCK_DIR=…                       where the TestCases folder is (default ../shared/dmn-tck or /work/shared/dmn-tck)
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { parseDecisionModel, type DecisionModel } from "../lib/rules/drg";
import { evaluateModelDecision } from "../lib/rules/drg-evaluate";
import { parseModelUpload } from "../lib/rules/model-upload";
import { compareTckValue, readTckValue } from "./tck/values";
import { child, childrenNamed, parseXml, type XmlNode } from "./tck/xml";

const args = process.argv.slice(2);
const levelArg = args.includes("--level") ? args[args.indexOf("--level") + 1] : null;
const verbose = args.includes("--verbose");
const filter = args.filter((a, i) => !a.startsWith("--") && args[i - 1] !== "--level")[0] ?? null;

function tckRoot(): string {
  const candidates = [process.env.TCK_DIR, path.resolve("../shared/dmn-tck"), "/work/shared/dmn-tck"].filter((x): x is string => !!x);
  const found = candidates.find((c) => existsSync(path.join(c, "TestCases")));
  if (!found) throw new Error(`The DMN TCK test cases were not found (looked in ${candidates.join(", ")}); set TCK_DIR.`);
  return path.join(found, "TestCases");
}

/** TCK models the reader reads but the decision-model upload refuses (most are deliberately invalid models). */
const uploadRefusals: string[] = [];

interface Failure {
  folder: string;
  testCase: string;
  cause: string;
  detail: string;
}

async function runLevel(root: string, level: 2 | 3, failures: Failure[]): Promise<{ passed: number; total: number }> {
  const dir = path.join(root, `compliance-level-${level}`);
  let passed = 0;
  let total = 0;
  for (const folder of readdirSync(dir).sort()) {
    const full = path.join(dir, folder);
    if (!statSync(full).isDirectory() || !readdirSync(full).some((f) => f.endsWith(".xml"))) continue;
    if (filter && !folder.includes(filter)) continue;
    const models = new Map<string, DecisionModel | Error>();
    for (const file of readdirSync(full).filter((f) => /-test-\d+\.xml$/.test(f)).sort()) {
      const doc = child(parseXml(readFileSync(path.join(full, file), "utf8")), "testCases")!;
      const modelName = child(doc, "modelName")?.text.trim() ?? "";
      if (!models.has(modelName)) {
        const xml = readFileSync(path.join(full, modelName), "utf8");
        try {
          models.set(modelName, await parseDecisionModel(xml));
        } catch (e) {
          models.set(modelName, e as Error);
        }
        // The decision-model upload (ADR 054) checks more than the reader: count what it would refuse.
        if (!(models.get(modelName) instanceof Error)) {
          try {
            await parseModelUpload(xml);
          } catch (e) {
            uploadRefusals.push(`${folder}/${modelName}: ${causeOf((e as Error).message)}`);
          }
        }
      }
      const model = models.get(modelName)!;
      for (const tc of childrenNamed(doc, "testCase")) {
        total++;
        const id = `${file.replace(/\.xml$/, "")}#${tc.attrs.id ?? ""}`;
        if (model instanceof Error) {
          failures.push({ folder, testCase: id, cause: `model rejected: ${causeOf(model.message)}`, detail: model.message });
          continue;
        }
        const failure = runCase(model, tc);
        if (failure) failures.push({ folder, testCase: id, ...failure });
        else passed++;
      }
    }
  }
  return { passed, total };
}

function causeOf(message: string): string {
  return message.replace(/"[^"]*"/g, '"…"').replace(/\(at character \d+\)/, "").slice(0, 90);
}

function runCase(model: DecisionModel, tc: XmlNode): { cause: string; detail: string } | null {
  const inputs: Record<string, unknown> = {};
  for (const node of childrenNamed(tc, "inputNode")) inputs[node.attrs.name ?? ""] = readTckValue(node);
  for (const result of childrenNamed(tc, "resultNode")) {
    const name = tc.attrs.type === "decisionService" && tc.attrs.invocableName ? tc.attrs.invocableName : (result.attrs.name ?? "");
    const expectedNode = child(result, "expected");
    const errorExpected = result.attrs.errorResult === "true";
    let actual: unknown;
    let problems: string[] = [];
    try {
      const r = evaluateModelDecision(model, name, inputs);
      actual = r.value;
      problems = r.problems;
      if (tc.attrs.type === "decisionService" && result.attrs.name && actual && typeof actual === "object" && !Array.isArray(actual) && result.attrs.name in (actual as object)) {
        actual = (actual as Record<string, unknown>)[result.attrs.name];
      }
    } catch (e) {
      return { cause: `evaluation threw: ${causeOf((e as Error).message)}`, detail: (e as Error).stack ?? String(e) };
    }
    if (errorExpected) {
      if (actual !== null && actual !== undefined) return { cause: "an error (null) was expected, got a value", detail: `${result.attrs.name}: got ${show(actual)}` };
      continue;
    }
    const expected = expectedNode ? readTckValue(expectedNode) : null;
    const mismatch = compareTckValue(actual, expected);
    if (mismatch) {
      const cause = actual === null && problems[0] ? `null: ${causeOf(problems[0])}` : actual === null ? "null where a value was expected" : `wrong value (${mismatch})`;
      return { cause, detail: `${result.attrs.name}: expected ${show(expected)}, got ${show(actual)}${problems.length ? ` — ${problems.slice(0, 3).join(" | ")}` : ""}` };
    }
  }
  return null;
}

function show(v: unknown): string {
  try {
    return JSON.stringify(v, (_k, x) => (x && typeof x === "object" && !Array.isArray(x) && Object.getPrototypeOf(x) !== Object.prototype ? String(x) : x))?.slice(0, 300) ?? String(v);
  } catch {
    return String(v);
  }
}

async function main() {
  const root = tckRoot();
  const levels = levelArg ? [Number(levelArg) as 2 | 3] : ([2, 3] as const);
  const scores: Record<string, number> = { level2_passed: 0, level2_total: 0, level3_passed: 0, level3_total: 0 };
  const failures: Failure[] = [];
  for (const level of levels) {
    const r = await runLevel(root, level, failures);
    scores[`level${level}_passed`] = r.passed;
    scores[`level${level}_total`] = r.total;
  }
  const byCause = new Map<string, Failure[]>();
  for (const f of failures) byCause.set(f.cause, [...(byCause.get(f.cause) ?? []), f]);
  const rows = [...byCause.entries()].sort((a, b) => b[1].length - a[1].length);
  if (rows.length > 0) {
    console.log(`Failures by cause (${failures.length}):`);
    for (const [cause, fs] of rows) {
      const folders = [...new Set(fs.map((f) => f.folder))];
      console.log(`${String(fs.length).padStart(5)}  ${cause}  [${folders.slice(0, 4).join(", ")}${folders.length > 4 ? `, +${folders.length - 4}` : ""}]`);
    }
  }
  if (verbose) for (const f of failures) console.log(`\n${f.folder} ${f.testCase}\n  ${f.cause}\n  ${f.detail.split("\n").slice(0, 4).join("\n  ")}`);
  console.log(`Models the decision-model upload refuses: ${uploadRefusals.length}`);
  if (verbose) for (const r of uploadRefusals) console.log(`  ${r}`);
  console.log(JSON.stringify({ bench: "dmn-tck", ...scores }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
