// The task page shows the case (issue #21/#22, ADR 040): Maya opens an invoice of the
// invoice-approval process and decides from its context layout — the figures side by side with
// the short delivery marked — after attaching the scanned delivery note and previewing it in place.
import { expect, test } from "./fixtures";
import { expectNoSeriousViolations } from "./helpers/axe";

// A 1×1 PNG: what a phone camera's scan looks like to the sniffer.
const PNG = Buffer.from("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5e9f1d50000000049454e44ae426082", "hex");

test("Maya attaches the delivery note, previews it and approves from the case view", async ({ api, asUser }, testInfo) => {
  const n = `${Date.now()}`.slice(-6);
  const priya = await api("priya");
  const started = await priya.post("/api/v1/processes/invoice-approval/instances", {
    data: {
      businessKey: `INV-C${n}`,
      variables: { invoiceNumber: `INV-C${n}`, vendor: "Northwind Traders", amount: 2300, currency: "EUR", poNumber: "PO-77", poAmount: 2300, receivedAmount: 2070, quantity: 10, poQuantity: 10, receivedQuantity: 9, invoiceDate: "2026-11-24" },
    },
  });
  expect(started.status()).toBe(201);
  const { id: instanceId } = (await started.json()) as { id: string };
  // The worker matches the PO and routes 2,300 EUR to accounts payable.
  let taskId = "";
  await expect
    .poll(async () => {
      const res = await priya.get(`/api/v1/instances/${instanceId}`);
      const body = (await res.json()) as { tasks?: { id: string; status: string }[] };
      taskId = body.tasks?.find((t) => t.status === "OPEN")?.id ?? "";
      return taskId;
    }, { timeout: 30_000 })
    .not.toBe("");

  const page = await asUser("maya");
  await page.goto(`/tasks/${taskId}`);
  const detail = page.getByTestId("task-detail");
  const layout = detail.getByTestId("context-layout");
  await expect(layout.getByRole("region", { name: "Invoice" })).toContainText("Northwind Traders");
  await expect(layout).toContainText("€2,300.00");
  // Goods received short by one: the differing cells are marked, with the difference.
  const comparison = detail.getByTestId("comparison");
  await expect(comparison.locator("[data-differs]")).toHaveCount(2);
  await expect(comparison).toContainText("−€230.00 vs Invoice");
  await expect(detail.getByTestId("party-history")).toContainText("Earlier requests from vendor Northwind Traders");

  // Attach the scan: sniffed as an image, previewed in place.
  await detail.getByLabel("Attach a file").setInputFiles({ name: "delivery-note.png", mimeType: "image/png", buffer: PNG });
  await expect(detail.getByTestId("attachment-list")).toContainText("delivery-note.png");
  const preview = detail.getByTestId("attachment-preview");
  await expect(preview).toHaveAttribute("alt", "Preview of delivery-note.png");
  await expect.poll(() => preview.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(1);
  // Something that only claims to be a PDF is refused, with the reason.
  await detail.getByLabel("Attach a file").setInputFiles({ name: "invoice.pdf", mimeType: "application/pdf", buffer: Buffer.from("<html><script>alert(1)</script>") });
  await expect(detail.getByTestId("upload-error")).toContainText("is not a kind of file Baton accepts");

  await page.screenshot({ path: testInfo.outputPath("case-view.png"), fullPage: true });
  await expectNoSeriousViolations(page, "the task page with its case");

  await detail.getByRole("button", { name: /^Approve/ }).first().click();
  await expect
    .poll(async () => ((await (await priya.get(`/api/v1/tasks/${taskId}`)).json()) as { status: string; outcome: string | null }).outcome, { timeout: 20_000 })
    .toBe("approve");
});
