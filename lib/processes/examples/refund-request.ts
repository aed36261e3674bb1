// The demo's refund request (issue #21, ADR 039): Sales files it from the request catalogue; a
// finance team lead reviews it with the customer and amount in view, may ask the requester a
// question, and approves an amount (written back to the instance as refund.approved) as money back
// or as store credit (a custom outcome with its own required field); Sales may attach the receipt
// or photos to the request (a file field, ADR 052).
export function refundRequestDefinition() {
  return {
    key: "refund-request",
    name: "Customer refund",
    description: "Money back for a customer: damaged goods, a late delivery or a billing error.",
    requesters: ["sales"],
    startForm: [
      { id: "customer", label: "Customer", type: "text", required: true, max: 200 },
      { id: "orderNumber", label: "Order number", type: "text", help: "As on the invoice, e.g. SO-1042", max: 40 },
      { id: "amount", label: "Amount to refund", type: "money", currency: "EUR", required: true, min: 0.01, max: 100000 },
      {
        id: "reason",
        label: "Reason",
        type: "select",
        required: true,
        options: [
          { value: "damaged", label: "Damaged goods" },
          { value: "late", label: "Late delivery" },
          { value: "billing", label: "Billing error" },
          { value: "other", label: "Something else" },
        ],
      },
      { id: "explanation", label: "What happened", type: "textarea", required: true, max: 2000, when: { field: "reason", equals: "other" } },
      // Attachments in the start form (ADR 052): the finance reviewer sees them beside the task.
      { id: "evidence", label: "Receipt or photos", type: "file", accept: ["pdf", "image"], maxFiles: 3, help: "The invoice, a delivery note or photos of the damage" },
    ],
    steps: [
      {
        id: "finance-review",
        kind: "human",
        name: "Finance review",
        title: "Refund {{amount}} EUR to {{customer}}",
        description: "Requested by Sales. Check the order, then approve the amount to pay back.",
        context: ["customer", "orderNumber", "amount", "reason", "explanation"],
        candidateGroup: "finance-leads",
        due: "P2D",
        form: [
          { id: "approvedAmount", label: "Approved amount (EUR)", type: "money", required: true, min: 0 },
          { id: "voucherNote", label: "Note on the voucher", type: "text", max: 200, help: "What the customer reads on the store-credit voucher" },
        ],
        writeBack: { approvedAmount: "refund.approved" },
        // Custom outcomes (ADR 052): store credit instead of money back needs the voucher's note.
        outcomes: ["approve", { id: "store_credit", label: "Refund as store credit", style: "primary", fields: ["voucherNote"] }, "reject"],
        next: { approve: "pay-back", store_credit: "issue-voucher", reject: "done" },
      },
      { id: "pay-back", kind: "set", name: "Pay the money back", assign: { "refund.method": "bank transfer" }, next: "done" },
      { id: "issue-voucher", kind: "set", name: "Issue a store-credit voucher", assign: { "refund.method": "store credit" }, next: "done" },
      { id: "done", kind: "end" },
    ],
  };
}
