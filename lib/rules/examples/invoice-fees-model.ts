import type { ModelTestCase } from "../model-schemas";

// The demo organisation's invoice fees as a DMN 1.5 model with no decision table (ADR 054): a
// business knowledge model for the rate, a literal expression invoking it, and a context decision
// the routing of large fees can read. Used by the seed, the tests and scripts/rules-speed.ts.

export const INVOICE_FEES_KEY = "invoice-fees";

export const invoiceFeesModelXml = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20230324/MODEL/" id="invoice_fees" name="Invoice fees" namespace="https://acme.example/dmn/invoice-fees">
  <inputData id="amount" name="Invoice amount"><variable name="Invoice amount" typeRef="number"/></inputData>
  <inputData id="currency" name="Currency"><variable name="Currency" typeRef="string"/></inputData>
  <businessKnowledgeModel id="fee_rate" name="Fee rate">
    <encapsulatedLogic id="fee_rate_fn">
      <formalParameter name="amount" typeRef="number"/>
      <formalParameter name="currency" typeRef="string"/>
      <literalExpression id="fee_rate_body"><text>if currency != "EUR" then 0.02 else if amount &lt; 1000 then 0.015 else 0.0125</text></literalExpression>
    </encapsulatedLogic>
  </businessKnowledgeModel>
  <decision id="fee" name="Fee">
    <variable name="Fee" typeRef="number"/>
    <informationRequirement id="fee_ir1"><requiredInput href="#amount"/></informationRequirement>
    <informationRequirement id="fee_ir2"><requiredInput href="#currency"/></informationRequirement>
    <knowledgeRequirement id="fee_kr"><requiredKnowledge href="#fee_rate"/></knowledgeRequirement>
    <literalExpression id="fee_expr"><text>decimal(Invoice amount * Fee rate(Invoice amount, Currency), 2)</text></literalExpression>
  </decision>
  <decision id="fee_review" name="Fee review">
    <informationRequirement id="review_ir1"><requiredDecision href="#fee"/></informationRequirement>
    <context id="fee_review_ctx">
      <contextEntry><variable name="net" typeRef="number"/><literalExpression id="review_net"><text>Fee</text></literalExpression></contextEntry>
      <contextEntry><variable name="candidateGroup" typeRef="string"/><literalExpression id="review_group"><text>if Fee &gt; 500 then "finance-leads" else "accounts-payable"</text></literalExpression></contextEntry>
      <contextEntry><variable name="approvals" typeRef="number"/><literalExpression id="review_approvals"><text>if Fee &gt; 500 then 2 else 1</text></literalExpression></contextEntry>
    </context>
  </decision>
</definitions>
`;

export const invoiceFeesTestCases: ModelTestCase[] = [
  { name: "Small EUR invoice: 1.5 %", decision: "Fee", inputs: { "Invoice amount": 999.99, Currency: "EUR" }, expected: 15 },
  { name: "Large EUR invoice: 1.25 %", decision: "Fee", inputs: { "Invoice amount": 48000, Currency: "EUR" }, expected: 600 },
  { name: "USD invoice: 2 %", decision: "Fee", inputs: { "Invoice amount": 1000, Currency: "USD" }, expected: 20 },
  {
    name: "A fee above 500 goes to the team leads, four-eyes",
    decision: "Fee review",
    inputs: { "Invoice amount": 48000, Currency: "EUR" },
    expected: { net: 600, candidateGroup: "finance-leads", approvals: 2 },
  },
];
