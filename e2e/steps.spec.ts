// Human steps as capable as tasks (issue #21, ADR 039 and 052), in the browser through the real
// worker: Rita files a purchase with the supplier's quote (a file field); Maya (accounts payable) approves it with the amount; the second
// step is all-of — finance (Sam) and legal (Dana) each get a task — and Dana approves "with
// conditions" (a custom outcome with its own required field), ticking "new vendor". The form answers
// are written back to the instance, the published invoice-routing table reads them, and the
// instance ends on the table's route: the team lead plus a second approver.
import { expect, expectStatus, test } from "./fixtures";
import { expectNoSeriousViolations } from "./helpers/axe";

const unique = () => `${Date.now()}${Math.floor(Math.random() * 1000)}`;

interface MyRequest {
  id: string;
  process: { key: string };
  status: string;
  waitingOn: { taskId: string; group: { id: string; name: string } | null }[];
}

test("a two-step purchase: all-of finance and legal, a custom outcome, a write-back the decision table reads", async ({ asUser, api, trackTask }, testInfo) => {
  // Five people and two worker hand-offs (each after the 5 s undo window): about 30 s on a quiet machine.
  test.setTimeout(120_000);
  const id = unique();
  const priya = await api("priya");
  // Legal: a group of its own for this test (Dana), archived at the end.
  const legalKey = `legal-${id}`;
  await expectStatus(await priya.post("/api/v1/groups", { data: { key: legalKey, name: `Legal ${id}` } }), 201);
  await expectStatus(await priya.post(`/api/v1/groups/${legalKey}/members`, { data: { people: ["dana@acme.test"] } }), 200);
  const name = `Purchase ${id}`;
  const document = {
    key: `e2e-purchase-${id}`,
    name,
    requesters: ["*"],
    startForm: [
      { id: "item", label: "What to buy", type: "text", required: true },
      { id: "quote", label: "Supplier quote", type: "file", required: true, accept: ["pdf"] },
    ],
    steps: [
      {
        id: "manager",
        kind: "human",
        title: "Approve the purchase of {{item}}",
        candidateGroup: "accounts-payable",
        form: [{ id: "amount", label: "Amount (EUR)", type: "money", required: true, min: 0 }],
        writeBack: { amount: "invoice.amount" },
        next: { approve: "signoff", reject: "done" },
      },
      {
        id: "signoff",
        kind: "human",
        title: "Sign off the purchase of {{item}}",
        approvers: { mode: "all", of: [{ candidateGroup: "finance-leads" }, { candidateGroup: legalKey }] },
        form: [
          { id: "newVendor", label: "New vendor", type: "boolean" },
          { id: "conditions", label: "Conditions", type: "textarea" },
        ],
        writeBack: { newVendor: "invoice.newVendor" },
        outcomes: ["approve", { id: "with_conditions", label: "Approve with conditions", style: "primary", fields: ["conditions"] }, "reject"],
        next: { approve: "route", with_conditions: "route", reject: "done" },
      },
      {
        id: "route",
        kind: "decision",
        table: { key: "invoice-routing", version: 1, inputs: { amount: "invoice.amount", newVendor: "invoice.newVendor" } },
        branches: [{ when: { var: "route.route", op: "==", value: "team-lead" }, next: "lead" }],
        otherwise: "clerk",
      },
      { id: "lead", kind: "set", assign: { handledBy: "team-lead" }, next: "done" },
      { id: "clerk", kind: "set", assign: { handledBy: "clerk" }, next: "done" },
      { id: "done", kind: "end" },
    ],
  };
  await expectStatus(await priya.post("/api/v1/processes", { data: document }), 201);

  try {
    // Rita files it from the catalogue.
    const rita = await asUser("rita");
    await rita.goto("/requests/new");
    await rita.getByRole("button", { name: new RegExp(name) }).click();
    const startForm = rita.getByTestId("start-form");
    await startForm.getByLabel(/What to buy/).fill("Laser cutter");
    // The quote goes up as it is chosen (a file field, ADR 052); the request takes it over when filed.
    await startForm.getByRole("button", { name: "Submit request" }).click();
    await expect(startForm.getByTestId("file-field-quote")).toContainText("required");
    await startForm.getByLabel(/Supplier quote/).setInputFiles({ name: "quote.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "latin1") });
    await expect(startForm.getByRole("link", { name: "quote.pdf" })).toBeVisible();
    await rita.screenshot({ path: testInfo.outputPath("start-form-file.png"), fullPage: true });
    await startForm.getByRole("button", { name: "Submit request" }).click();
    await expect(rita).toHaveURL(/\/requests\?filed=/);

    const ritaApi = await api("rita");
    const waiting = async (n: number) => {
      let found: MyRequest | undefined;
      await expect
        .poll(async () => {
          const mine = ((await (await ritaApi.get("/api/v1/me/requests")).json()) as { data: MyRequest[] }).data;
          found = mine.find((r) => r.process.key === document.key);
          return found?.waitingOn.length ?? 0;
        }, { timeout: 20_000 })
        .toBe(n);
      for (const w of found!.waitingOn) trackTask(w.taskId);
      return found!;
    };

    // Maya approves the amount. The request's quote is among the task's documents, previewable.
    // She decides through the API, at once: a form's approve in the browser is inbox-bulk-forms'
    // subject, and the inbox's undo window (15 s in e2e) would only be waited out here.
    const first = await waiting(1);
    const maya = await asUser("maya");
    await maya.goto(`/tasks/${first.waitingOn[0]!.taskId}`);
    await expect(maya.getByTestId("attachment-list")).toContainText("quote.pdf");
    await expect(maya.getByTestId("attachment-list")).toContainText("from the request");
    await expect(maya.getByTestId("decision-form").getByLabel(/Amount \(EUR\)/)).toBeVisible();
    await expectStatus(await (await api("maya")).post(`/api/v1/tasks/${first.waitingOn[0]!.taskId}/decision`, { data: { outcome: "approve", form: { amount: 25000 } } }), 200);

    // Both parties are asked at once: finance leads (Sam) and legal (Dana).
    const second = await waiting(2);
    const legalTask = second.waitingOn.find((w) => w.group?.name === `Legal ${id}`)!;
    const financeTask = second.waitingOn.find((w) => w !== legalTask)!;

    // Finance's plain approve is not what this test is about: Sam decides through the API.
    await expectStatus(await (await api("sam")).post(`/api/v1/tasks/${financeTask.taskId}/decision`, { data: { outcome: "approve" } }), 200);

    // Dana: the custom outcome needs its own field, said under it and checked before sending.
    const dana = await asUser("dana");
    await dana.goto(`/tasks/${legalTask.taskId}`);
    const danaForm = dana.getByTestId("decision-form");
    await expect(danaForm).toContainText("Needed to “Approve with conditions”");
    await danaForm.getByLabel("New vendor").check();
    await danaForm.getByRole("button", { name: "Approve with conditions" }).click();
    await expect(danaForm.getByLabel(/Conditions/)).toBeFocused();
    await expect(danaForm).toContainText("required");
    await expectNoSeriousViolations(dana, "a decision form with custom outcomes");
    await dana.screenshot({ path: testInfo.outputPath("custom-outcomes.png"), fullPage: true });
    await danaForm.getByLabel(/Conditions/).fill("Standard supplier contract only");
    await danaForm.getByRole("button", { name: "Approve with conditions" }).click();
    await expect(dana.getByTestId("decision-panel")).toContainText("Decided: Approve with conditions by Dana");

    // The worker runs the rest: the table read both write-backs (25,000 from Maya, new vendor from Dana).
    await expect
      .poll(async () => ((await (await priya.get(`/api/v1/instances/${second.id}`)).json()) as { status: string }).status, { timeout: 30_000 })
      .toBe("COMPLETED");
    const instance = (await (await priya.get(`/api/v1/instances/${second.id}`)).json()) as { variables: Record<string, unknown> };
    expect(instance.variables).toMatchObject({
      invoice: { amount: 25000, newVendor: true },
      route: { route: "team-lead", candidateGroup: "finance-leads", approvals: 2 },
      handledBy: "team-lead",
      signoff: { outcome: "with_conditions" },
      conditions: "Standard supplier contract only",
    });
  } finally {
    await priya.post(`/api/v1/groups/${legalKey}/archive`, { data: {} });
  }
});
