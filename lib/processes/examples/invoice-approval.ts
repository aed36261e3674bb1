// The invoice-approval process of shared/SCENARIOS.md as a definition document: an ERP event
// starts it, the PO match and the posting are HTTP calls to the ERP, the amount decides who
// approves. Used by the seed and the e2e suite. `erpUrl` is DEMO_ERP_URL (the seed defaults it
// to the app's own stand-in at /api/demo/erp, so the demo runs offline).

export const INVOICE_RECEIVED = "com.acme.invoice.received";

export function demoErpUrl(env: Record<string, string | undefined> = process.env): string {
  const base = env.DEMO_ERP_URL || `${(env.AUTH_URL || `http://localhost:${env.PORT || 3000}`).replace(/\/$/, "")}/api/demo/erp`;
  return base.replace(/\/$/, "");
}

/** `authSecret`: the named secret (lib/secrets) sent as the ERP's bearer token, when the installation has one. */
export function invoiceApprovalDefinition(erpUrl: string, opts: { authSecret?: string } = {}) {
  const headers = opts.authSecret ? { headers: { Authorization: `Bearer {{secrets.${opts.authSecret}}}` } } : {};
  const invoiceContext = ["invoiceNumber", "vendor", "amount", "currency", "poNumber", "poMatched", "documentUrl"];
  return {
    key: "invoice-approval",
    name: "Invoice approval",
    description: "ERP invoice → PO match → routed by amount → approval → posted to the ERP.",
    startOn: [INVOICE_RECEIVED],
    // What the approver sees (ADR 040): the invoice, its PO, the three figures side by side, and
    // the vendor's earlier invoices with how they were decided.
    contextLayout: {
      sections: [
        {
          title: "Invoice",
          fields: [
            { path: "invoiceNumber", label: "Invoice number" },
            { path: "vendor", label: "Vendor" },
            { path: "amount", label: "Amount", format: "money", currencyPath: "currency" },
            { path: "invoiceDate", label: "Invoice date", format: "date" },
            { path: "documentUrl", label: "In the ERP", format: "link" },
          ],
        },
        {
          title: "Purchase order",
          fields: [
            { path: "poNumber", label: "PO number" },
            { path: "poMatched", label: "PO matched", format: "status" },
          ],
        },
      ],
      comparison: {
        title: "Invoice vs purchase order vs goods received",
        columns: ["Invoice", "Purchase order", "Goods received"],
        rows: [
          { label: "Amount", paths: ["amount", "poAmount", "receivedAmount"], format: "money", currencyPath: "currency" },
          { label: "Quantity", paths: ["quantity", "poQuantity", "receivedQuantity"], format: "number" },
        ],
      },
      history: { path: "vendor", label: "Vendor" },
    },
    steps: [
      {
        id: "po-match",
        kind: "http",
        name: "Match the purchase order",
        method: "POST",
        url: `${erpUrl}/po-match`,
        ...headers,
        body: { invoiceNumber: "{{invoiceNumber}}", vendor: "{{vendor}}", amount: "{{amount}}", poNumber: "{{poNumber}}" },
        timeout: "PT10S",
        // Generous: at boot the worker can be up before the ERP (or the web app's stand-in).
        retries: { max: 6, backoff: "PT2S", maxBackoff: "PT30S" },
        output: { poMatched: "body.matched" },
        next: "route-by-amount",
      },
      {
        id: "route-by-amount",
        kind: "decision",
        name: "Route by amount",
        branches: [
          { when: { var: "amount", op: "<", value: 1000 }, next: "auto-approve" },
          { when: { var: "amount", op: "<=", value: 10000 }, next: "clerk-approval" },
        ],
        otherwise: "lead-approval",
      },
      { id: "auto-approve", kind: "set", name: "Approve automatically (under 1,000)", assign: { approval: { outcome: "approve", by: "rule: under 1,000" } }, next: "post-to-erp" },
      {
        id: "clerk-approval",
        kind: "human",
        name: "Clerk approval",
        title: "Approve invoice {{invoiceNumber}} from {{vendor}} ({{amount}} {{currency}})",
        context: invoiceContext,
        candidateGroup: "accounts-payable",
        due: "PT8H",
        // Due in 8 business hours of the group's calendar: remind at 6, escalate to the supervisor at 8.
        escalation: { businessHours: true, levels: [{ after: "PT6H", action: "remind" }, { after: "PT8H", action: "supervisor" }] },
        next: { approve: "post-to-erp", reject: "rejected" },
      },
      {
        id: "lead-approval",
        kind: "human",
        name: "Team lead approval (above 10,000)",
        title: "Approve invoice {{invoiceNumber}} from {{vendor}} ({{amount}} {{currency}})",
        context: invoiceContext,
        candidateGroup: "finance-leads",
        priority: "HIGH",
        due: "PT8H",
        escalation: { businessHours: true, levels: [{ after: "PT6H", action: "remind" }] },
        next: { approve: "post-to-erp", reject: "rejected" },
      },
      {
        id: "post-to-erp",
        kind: "http",
        name: "Post to the ERP",
        method: "POST",
        url: `${erpUrl}/postings`,
        ...headers,
        body: { invoiceNumber: "{{invoiceNumber}}", amount: "{{amount}}", currency: "{{currency}}" },
        retries: { max: 6, backoff: "PT2S", maxBackoff: "PT30S" },
        output: { erpPostingId: "body.postingId" },
        next: "done",
      },
      { id: "rejected", kind: "end", name: "Rejected" },
      { id: "done", kind: "end", name: "Posted" },
    ],
  };
}

/** A nightly vendor sync against an ERP endpoint that is down in the demo: shows a FAILED instance and its retry. */
export function vendorSyncDefinition(erpUrl: string) {
  return {
    key: "vendor-master-sync",
    name: "Vendor master sync",
    steps: [
      { id: "pull-vendors", kind: "http", method: "POST", url: `${erpUrl}/vendor-sync`, body: { since: "{{since}}" }, timeout: "PT5S", retries: { max: 2, backoff: "PT1S" }, next: "done" },
      { id: "done", kind: "end" },
    ],
  };
}

/**
 * Vendor onboarding: reserves a vendor number in the ERP, then checks bank details and sanctions
 * in parallel before activating the vendor. `sanctionsUrl` lets the demo show both outcomes: a
 * screening service that answers (the branches join, the vendor is activated) and one that is down
 * (the step fails for good and the reserved vendor number is released: compensation).
 */
export function vendorOnboardingDefinition(erpUrl: string) {
  return {
    key: "vendor-onboarding",
    name: "Vendor onboarding",
    description: "Reserve a vendor number → bank check ∥ sanctions screening → activate; the reservation is released if onboarding fails.",
    steps: [
      { id: "reserve-number", kind: "http", name: "Reserve a vendor number", method: "POST", url: `${erpUrl}/postings`, body: { vendor: "{{vendor}}", kind: "vendor-number" }, output: { vendorNumber: "body.postingId" }, compensate: "release-number", next: "checks" },
      {
        id: "checks",
        kind: "parallel",
        name: "Checks",
        branches: [
          { name: "bank", start: "bank-check" },
          { name: "sanctions", start: "sanctions-screening" },
        ],
        join: "checks-done",
      },
      { id: "bank-check", kind: "http", name: "Verify the bank account", method: "POST", url: `${erpUrl}/po-match`, body: { poNumber: "{{iban}}" }, output: { bankVerified: "body.matched" }, next: "checks-done" },
      { id: "sanctions-screening", kind: "http", name: "Sanctions screening", method: "POST", url: "{{sanctionsUrl}}", body: { vendor: "{{vendor}}" }, timeout: "PT5S", retries: { max: 1, backoff: "PT1S" }, output: { screenedAt: "body.checkedAt" }, next: "checks-done" },
      { id: "checks-done", kind: "join", name: "Both checks done", next: "activate" },
      { id: "activate", kind: "set", name: "Activate the vendor", assign: { active: true }, next: "done" },
      { id: "done", kind: "end" },
      { id: "release-number", kind: "set", name: "Release the vendor number", assign: { vendorNumberReleased: true } },
    ],
  };
}
