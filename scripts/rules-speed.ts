/**
 * How long one decision-table evaluation takes on the routing hot path (lib/rules/evaluate.ts, the
 * code routing and decision steps run): the demo invoice routing table (comparisons only) and a fee
 * table whose outputs compute with decimals; then a decision of a whole DMN model (the demo invoice
 * fees: a context requiring a literal expression that invokes a BKM, lib/rules/drg-evaluate.ts).
 * Not a benchmark of the system: one process, no database, a few seconds. Used to compare FEEL
 * number representations (ADR 046) and compiled FEEL (ADR 054).
 *
 *   npx tsx scripts/rules-speed.ts          prints CPU µs per evaluation for each
 */
import { parseDecisionModel } from "../lib/rules/drg";
import { evaluateModelDecision, inputDataFromJson } from "../lib/rules/drg-evaluate";
import { invoiceFeesModelXml } from "../lib/rules/examples/invoice-fees-model";
import { evaluateDecisionTable } from "../lib/rules/evaluate";
import { invoiceRoutingTable } from "../lib/rules/examples/invoice-routing";
import { tableFromSpec } from "../lib/rules/serialize";

const feeTable = tableFromSpec({
  key: "invoice-fees",
  name: "Invoice fees",
  hitPolicy: "FIRST",
  inputs: [
    { label: "Invoice amount", expression: "amount", typeRef: "number" },
    { label: "Currency", expression: "currency", typeRef: "string" },
  ],
  outputs: [
    { name: "fee", label: "Fee", typeRef: "number" },
    { name: "net", label: "Net", typeRef: "number" },
  ],
  rules: [
    ["< 1000", '"EUR"', "amount * 0.015", "amount - amount * 0.015", "Small EUR invoices: 1.5 %"],
    [">= 1000", '"EUR"', "decimal(amount * 0.0125, 2)", "amount - decimal(amount * 0.0125, 2)", "Larger EUR invoices: 1.25 %, to the cent"],
    ["-", "-", "amount / 3 + 2.5", "amount - (amount / 3 + 2.5)", "Other currencies: a third plus a fixed 2.50"],
  ],
});

const inputs = [
  { amount: 999.99, newVendor: false, currency: "EUR" },
  { amount: 1000, newVendor: false, currency: "EUR" },
  { amount: 10000.01, newVendor: false, currency: "USD" },
  { amount: 25000, newVendor: true, currency: "EUR" },
];

function measure(name: string, evaluate: (i: number) => unknown, iterations: number): void {
  for (let i = 0; i < 2000; i++) evaluate(i); // warm up
  // CPU time of this process, not wall time: steadier on a shared machine
  const samples: number[] = [];
  for (let round = 0; round < 5; round++) {
    const start = process.cpuUsage();
    for (let i = 0; i < iterations; i++) evaluate(i);
    const used = process.cpuUsage(start);
    samples.push((used.user + used.system) / iterations);
  }
  samples.sort((a, b) => a - b);
  console.log(`${name.padEnd(16)} median ${samples[2]!.toFixed(1)} µs CPU/evaluation (min ${samples[0]!.toFixed(1)}, max ${samples[4]!.toFixed(1)})  e.g. ${JSON.stringify(evaluate(2))}`);
}

const table = (t: typeof feeTable) => (i: number) => evaluateDecisionTable(t, inputs[i % inputs.length]!).outputs;
measure("invoice routing", table(invoiceRoutingTable), 5000);
measure("invoice fees", table(feeTable), 5000);

void parseDecisionModel(invoiceFeesModelXml).then((feesModel) => {
  const modelInputs = inputs.map((i) => inputDataFromJson(feesModel, { "Invoice amount": i.amount, Currency: i.currency }));
  measure("model decision", (i) => evaluateModelDecision(feesModel, "fee_review", modelInputs[i % modelInputs.length]!).value, 5000);
});
