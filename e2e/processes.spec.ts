// Priya publishes a definition; the ERP posts a CloudEvent (cloudevents SDK, bearer token); the
// approval appears in the accounts-payable inbox, Maya approves it, and the instance completes.
import { CloudEvent, HTTP } from "cloudevents";
import { expect, expectStatus, test } from "./fixtures";

const unique = () => `${Date.now()}-${Math.floor(Math.random() * 1000)}`;

/** The ERP's "invoice received" CloudEvent, as the seeded invoice-approval process subscribes to it. */
function invoiceReceived(invoiceNumber: string, data: { vendor: string; amount: number; poNumber: string }) {
  return new CloudEvent({
    id: `erp-${invoiceNumber}`,
    source: "urn:acme:erp",
    type: "com.acme.invoice.received",
    subject: invoiceNumber,
    data: { invoiceNumber, currency: "EUR", ...data },
  });
}

test.describe("processes", () => {
  test("Priya publishes a definition from the UI; an invalid one shows the error naming the step", async ({ asUser }) => {
    const page = await asUser("priya");
    await page.goto("/processes");
    await expect(page.getByRole("heading", { name: "Processes", level: 1 })).toBeVisible();
    // The seeded invoice process with its version.
    await expect(page.getByTestId("process-invoice-approval")).toContainText("Invoice approval");

    const key = `e2e-refund-${unique()}`;
    const definition = page.getByRole("textbox", { name: "Definition", exact: true });
    await definition.fill(
      [
        `key: ${key}`,
        "name: E2E refund",
        "steps:",
        "  - id: approve",
        "    kind: human",
        '    title: "Refund {{amount}}"',
        "    candidateGroup: payments",
        "    next: { approve: done, reject: missing }",
        "  - id: done",
        "    kind: end",
      ].join("\n"),
    );
    await page.getByRole("button", { name: "Publish" }).click();
    await expect(page.getByTestId("publish-errors")).toContainText('Step "approve": next.reject points to unknown step "missing"');

    await definition.fill((await definition.inputValue()).replace("reject: missing", "reject: done"));
    await page.getByRole("button", { name: "Publish" }).click();
    await expect(page.getByTestId("publish-result")).toContainText(`Published ${key} v1`);
    await expect(page.getByTestId(`process-${key}`)).toContainText("v1");
  });

  test("an ERP CloudEvent starts the invoice process; Maya approves in her inbox; the instance completes", async ({ asUser, bearer, createToken }) => {
    const token = await createToken("ADMIN", { scopes: ["events:write"] });
    const erp = await bearer(token.token);
    const invoiceNumber = `INV-E2E-${unique()}`;
    const message = HTTP.binary(invoiceReceived(invoiceNumber, { vendor: "Event Driven GmbH", amount: 2300, poNumber: "PO-E2E" }));
    const res = await erp.post("/api/v1/events", { headers: message.headers as Record<string, string>, data: message.body as string });
    await expectStatus(res, 202);
    const result = (await res.json()) as { outcome: string; instances: { id: string; process: string }[] };
    expect(result.outcome).toBe("started");
    const instanceId = result.instances.find((i) => i.process === "invoice-approval")!.id;

    // The same event again is answered with the first result and starts nothing new.
    const again = await erp.post("/api/v1/events", { headers: message.headers as Record<string, string>, data: message.body as string });
    await expectStatus(again, 202);
    expect(((await again.json()) as { instances: { id: string }[] }).instances[0]!.id).toBe(instanceId);

    // The worker matched the PO (HTTP to the ERP stand-in) and routed 2,300 EUR to a clerk.
    const maya = await asUser("maya");
    await maya.goto("/inbox?view=group");
    const title = `Approve invoice ${invoiceNumber} from Event Driven GmbH (2300 EUR)`;
    const row = maya.getByRole("listbox").getByRole("option", { name: new RegExp(title.replace(/[()]/g, "\\$&")) });
    await expect(row).toBeVisible({ timeout: 30_000 });
    await row.click();
    const detail = maya.getByTestId("task-detail");
    await expect(detail).toContainText(title);
    await detail.getByRole("button", { name: /Approve/ }).click();
    await expect(row).toHaveCount(0);

    const priya = await asUser("priya");
    await priya.goto(`/processes/instances/${instanceId}`);
    await expect(priya.getByTestId("instance-status")).toContainText("Completed", { timeout: 30_000 });
    const timeline = priya.getByTestId("step-timeline");
    for (const step of ["po-match", "route-by-amount", "clerk-approval", "post-to-erp", "done"]) {
      await expect(timeline.getByTestId(`step-${step}`)).toContainText("Completed");
    }
    await expect(priya.getByTestId("instance-variables")).toContainText('"erpPostingId": "ERP-');
    await expect(priya.getByRole("link", { name: /^TSK-\d+$/ })).toBeVisible();
  });

  test("an ERP replaying a batch sends Prefer: respond-async: accepted at once, the worker starts the instance, the receipt says which", async ({ asUser, bearer, createToken }) => {
    const token = await createToken("ADMIN", { scopes: ["events:write"] });
    const erp = await bearer(token.token);
    const invoiceNumber = `INV-ASYNC-${unique()}`;
    const message = HTTP.structured(invoiceReceived(invoiceNumber, { vendor: "Batch Replay AG", amount: 1800, poNumber: "PO-ASYNC" }));
    const res = await erp.post("/api/v1/events", { headers: { ...(message.headers as Record<string, string>), prefer: "respond-async" }, data: message.body as string });
    await expectStatus(res, 202);
    expect(res.headers()["preference-applied"]).toBe("respond-async");
    const accepted = (await res.json()) as { receiptId: string; outcome: string };
    expect(accepted.outcome).toBe("accepted");
    expect(res.headers()["location"]).toBe(`/api/v1/events/${accepted.receiptId}`);

    // The worker processes it; the receipt tells what it started.
    let instanceId = "";
    await expect(async () => {
      const receipt = (await (await erp.get(`/api/v1/events/${accepted.receiptId}`)).json()) as { status: string; result: { outcome: string; instances: { id: string; process: string }[] } | null };
      expect(receipt.status).toBe("processed");
      expect(receipt.result?.outcome).toBe("started");
      instanceId = receipt.result!.instances.find((i) => i.process === "invoice-approval")!.id;
    }).toPass({ timeout: 30_000 });

    const priya = await asUser("priya");
    await priya.goto(`/processes/instances/${instanceId}`);
    await expect(priya.getByTestId("instance-variables")).toContainText(invoiceNumber);
    await expect(priya.getByTestId("step-timeline").getByTestId("step-po-match")).toBeVisible({ timeout: 30_000 });
  });

  test("the seeded vendor sync failed against a down ERP: the error is shown and Priya retries the step", async ({ asUser }) => {
    const page = await asUser("priya");
    await page.goto("/processes/instances?status=FAILED&process=vendor-master-sync");
    const link = page.getByTestId("instances-table").getByRole("link", { name: "nightly 2026-11-26" });
    await expect(link).toBeVisible({ timeout: 30_000 });
    await link.click();
    const alert = page.getByRole("alert").filter({ hasText: "This instance failed" });
    await expect(alert).toContainText('Step "pull-vendors" failed after 3 attempts');
    await expect(alert).toContainText("503");
    const actions = page.getByTestId("operator-actions");
    await actions.getByRole("button", { name: "Retry step" }).click();
    const retry = page.getByRole("dialog", { name: 'Retry step "pull-vendors"?' });
    await retry.getByLabel("Reason (optional)").fill("ERP team restarted the service");
    await retry.getByRole("button", { name: "Retry step" }).click();
    await expect(retry).toBeHidden();
    // A second run of the step appears in the timeline (the ERP is still down, so it fails again).
    await expect(page.getByTestId("step-timeline").getByTestId("step-pull-vendors")).toHaveCount(2);
  });

  test("Priya cancels a running instance from its page: a reason is required, its open task leaves the inbox", async ({ asUser, api }) => {
    const started = await (await api("priya")).post("/api/v1/processes/invoice-approval/instances", {
      data: { variables: { invoiceNumber: "INV-E2E-CANCEL", vendor: "Tailspin Toys", amount: 2400, currency: "EUR", poNumber: "PO-1" }, businessKey: "INV-E2E-CANCEL" },
    });
    expect(started.status()).toBe(201);
    const { id } = (await started.json()) as { id: string };
    const page = await asUser("priya");
    await page.goto(`/processes/instances/${id}`);
    await expect(page.getByTestId("instance-status")).toContainText("Waiting", { timeout: 30_000 });
    await page.getByTestId("operator-actions").getByRole("button", { name: "Cancel instance" }).click();
    const dialog = page.getByRole("dialog", { name: "Cancel this instance?" });
    await dialog.getByRole("button", { name: "Cancel instance" }).click();
    await expect(dialog.getByText("Say why, for the audit log.")).toBeVisible();
    await dialog.getByLabel("Why cancel it?").fill("Duplicate of INV-5002");
    await dialog.getByRole("button", { name: "Cancel instance" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId("instance-status")).toContainText("Cancelled");
    await expect(page.getByTestId("step-timeline").getByTestId("step-clerk-approval")).toContainText("Cancelled");
    await expect(page.getByTestId("operator-actions")).toHaveCount(0);
    await page.screenshot({ path: "test-results/instance-cancelled.png", fullPage: true });
  });
});
