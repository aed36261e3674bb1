import { tableFromSpec } from "../serialize";
import type { TestCase } from "../schemas";

// The demo organisation's invoice routing (shared/SCENARIOS.md): under 1,000 auto-approve; up to
// 10,000 a clerk of accounts payable; above, the finance team lead; new vendors always four-eyes.
// Used by the seed, the integration tests and the e2e journey.

export const invoiceRoutingTable = tableFromSpec({
  key: "invoice-routing",
  name: "Invoice routing",
  hitPolicy: "UNIQUE",
  inputs: [
    { label: "Invoice amount", expression: "amount", typeRef: "number" },
    { label: "New vendor", expression: "newVendor", typeRef: "boolean" },
  ],
  outputs: [
    { name: "route", label: "Route", typeRef: "string", outputValues: '"auto-approve","clerk","team-lead"' },
    { name: "candidateGroup", label: "Group", typeRef: "string" },
    { name: "approvals", label: "Approvals needed", typeRef: "number" },
  ],
  rules: [
    ["< 1000", "false", '"auto-approve"', "null", "0", "Small invoice from a known vendor: approved automatically"],
    ["[1000..10000]", "false", '"clerk"', '"accounts-payable"', "1", "Up to 10,000: one accounts-payable clerk"],
    ["> 10000", "false", '"team-lead"', '"finance-leads"', "1", "Above 10,000: the finance team lead"],
    ["<= 10000", "true", '"clerk"', '"accounts-payable"', "2", "New vendor: always four-eyes (two clerks)"],
    ["> 10000", "true", '"team-lead"', '"finance-leads"', "2", "New vendor above 10,000: team lead plus a second approver"],
  ],
});

export const invoiceRoutingTestCases: TestCase[] = [
  { name: "999.99 from a known vendor is auto-approved", inputs: { amount: 999.99, newVendor: false }, expected: [{ route: "auto-approve", candidateGroup: null, approvals: 0 }] },
  { name: "1,000 goes to a clerk", inputs: { amount: 1000, newVendor: false }, expected: [{ route: "clerk", candidateGroup: "accounts-payable", approvals: 1 }] },
  { name: "10,000 still goes to a clerk", inputs: { amount: 10000, newVendor: false }, expected: [{ route: "clerk", candidateGroup: "accounts-payable", approvals: 1 }] },
  { name: "10,000.01 goes to the team lead", inputs: { amount: 10000.01, newVendor: false }, expected: [{ route: "team-lead", candidateGroup: "finance-leads", approvals: 1 }] },
  { name: "a new vendor's 200 needs four eyes", inputs: { amount: 200, newVendor: true }, expected: [{ route: "clerk", candidateGroup: "accounts-payable", approvals: 2 }] },
  { name: "a new vendor's 25,000 needs the team lead and a second approver", inputs: { amount: 25000, newVendor: true }, expected: [{ route: "team-lead", candidateGroup: "finance-leads", approvals: 2 }] },
];
