// Operating processes: the diagram of a version and of an instance, moving instances to a newer
// version from the process page, named secrets, and the decision-table editor's columns with a
// what-if filled from a past instance.
import { expect, expectStatus, test } from "./fixtures";
import { uploadRoutingTable } from "./helpers/rules";

const unique = () => `${Date.now()}-${Math.floor(Math.random() * 1000)}`;

interface InstanceJson {
  id: string;
  status: string;
  businessKey: string | null;
  process: { key: string; version: number };
}

test.describe("process operations", () => {
  // Pages with the diagram load a larger bundle; give a busy 2-core machine room.
  test.describe.configure({ timeout: 90_000 });
  test("the diagram of a version: steps, labelled branches, keyboard-focusable nodes", async ({ asUser }) => {
    const page = await asUser("priya");
    await page.goto("/processes/invoice-approval");
    // The first page of a run on a busy machine can take a while.
    await expect(page.getByRole("heading", { name: "Invoice approval", level: 1 })).toBeVisible({ timeout: 30_000 });
    const diagram = page.getByTestId("process-diagram");
    await expect(diagram).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId("diagram-step-po-match")).toContainText("Match the purchase order");
    await expect(diagram.getByText("amount < 1000")).toBeVisible();
    await expect(diagram.getByText("otherwise")).toBeVisible();
    const node = diagram.locator('.react-flow__node[data-id="po-match"]');
    await expect(node).toHaveAttribute("aria-label", /HTTP call "Match the purchase order" \(step po-match\), start/);
    await node.focus();
    await expect(node).toBeFocused();
    await page.keyboard.press("Tab");
    await expect(diagram.locator(".react-flow__node:focus")).toHaveCount(1);
    await page.screenshot({ path: "test-results/process-diagram.png", fullPage: true });
  });

  test("an instance's diagram marks done, current and failed steps in words", async ({ asUser, api }) => {
    const priya = await api("priya");
    const find = async (businessKey: string, status: string) => {
      const res = await priya.get("/api/v1/instances?limit=100");
      const list = ((await res.json()) as { data: InstanceJson[] }).data;
      return list.find((i) => i.businessKey === businessKey && i.status === status) ?? null;
    };
    let waiting: InstanceJson | null = null;
    await expect.poll(async () => (waiting = await find("INV-5002", "WAITING")) !== null, { timeout: 20_000 }).toBe(true);
    const page = await asUser("priya");
    await page.goto(`/processes/instances/${waiting!.id}`);
    await expect(page.getByTestId("diagram-step-po-match")).toHaveAttribute("data-state", "done", { timeout: 30_000 });
    await expect(page.getByTestId("diagram-step-po-match")).toContainText("Done");
    await expect(page.getByTestId("diagram-step-clerk-approval")).toHaveAttribute("data-state", "current");
    await expect(page.getByTestId("diagram-step-clerk-approval")).toContainText("Current");
    await expect(page.getByTestId("diagram-step-auto-approve")).toHaveAttribute("data-state", "not-reached");
    await expect(page.getByTestId("diagram-legend")).toContainText("Not reached");
    await page.screenshot({ path: "test-results/instance-diagram.png", fullPage: true });

    let failed: InstanceJson | null = null;
    await expect.poll(async () => (failed = await find("nightly 2026-11-26", "FAILED")) !== null, { timeout: 30_000 }).toBe(true);
    await page.goto(`/processes/instances/${failed!.id}`);
    await expect(page.getByTestId("diagram-step-pull-vendors")).toHaveAttribute("data-state", "failed", { timeout: 30_000 });
    await expect(page.getByTestId("diagram-step-pull-vendors")).toContainText("Failed");
    await page.screenshot({ path: "test-results/instance-diagram-failed.png", fullPage: true });
  });

  test("Priya previews and moves an instance to a newer version; the one whose step is gone stays", async ({ asUser, api }) => {
    const priya = await api("priya");
    const key = `e2e-mig-${unique()}`;
    const wait = (id: string, type: string) => ({ id, kind: "wait", event: type, correlationKey: "{{ref}}", next: "done" });
    const v1 = {
      key,
      name: "E2E migration",
      steps: [
        { id: "gate", kind: "decision", branches: [{ when: { var: "path", op: "==", value: "a" }, next: "hold-a" }], otherwise: "hold-b" },
        wait("hold-a", `com.e2e.${key}.a`),
        wait("hold-b", `com.e2e.${key}.b`),
        { id: "done", kind: "end" },
      ],
    };
    await expectStatus(await priya.post("/api/v1/processes", { data: v1 }), 201);
    const start = async (path: string) => {
      const res = await priya.post(`/api/v1/processes/${key}/instances`, { data: { variables: { path, ref: `${key}-${path}` }, businessKey: `MIG-${path.toUpperCase()}` } });
      await expectStatus(res, 201);
      return ((await res.json()) as InstanceJson).id;
    };
    const a = await start("a");
    const b = await start("b");
    for (const id of [a, b]) {
      await expect.poll(async () => ((await (await priya.get(`/api/v1/instances/${id}`)).json()) as InstanceJson).status, { timeout: 20_000 }).toBe("WAITING");
    }
    const v2 = { ...v1, steps: [{ id: "gate", kind: "decision", branches: [{ when: { var: "path", op: "==", value: "a" }, next: "hold-a" }], otherwise: "hold-a" }, wait("hold-a", `com.e2e.${key}.a`), { id: "done", kind: "end" }] };
    await expectStatus(await priya.post("/api/v1/processes", { data: v2 }), 201);

    const page = await asUser("priya");
    await page.goto(`/processes/${key}`);
    await expect(page.getByRole("link", { name: "v2", exact: true })).toHaveAttribute("aria-current", "page", { timeout: 30_000 });
    const panel = page.getByTestId("migration-panel");
    await panel.getByRole("button", { name: "Preview" }).click();
    await expect(panel.getByTestId("migration-summary")).toHaveText("1 can move to v2; 1 cannot.");
    await expect(panel.getByTestId(`migration-row-${a}`)).toContainText("Yes");
    await expect(panel.getByTestId(`migration-row-${b}`)).toContainText('No — Its current step "hold-b" does not exist in v2.');
    await expect(panel.getByRole("checkbox", { name: "Move MIG-A" })).toBeChecked();
    await expect(panel.getByRole("checkbox", { name: "Move MIG-B" })).toBeDisabled();
    await page.screenshot({ path: "test-results/migration-preview.png", fullPage: true });
    await panel.getByRole("button", { name: "Move 1 instance to v2…" }).click();
    const dialog = page.getByRole("dialog", { name: "Move 1 instance to v2?" });
    await dialog.getByLabel("Reason (optional, kept in the audit log)").fill("v2 merges the holds");
    await dialog.getByRole("button", { name: "Move instances" }).click();
    await expect(panel.getByTestId("migration-result")).toContainText("Moved 1 instance to v2");
    await expect(panel.getByTestId("migration-summary")).toHaveText("0 can move to v2; 1 cannot.");
    await page.screenshot({ path: "test-results/migration-done.png", fullPage: true });

    expect(((await (await priya.get(`/api/v1/instances/${a}`)).json()) as InstanceJson).process.version).toBe(2);
    expect(((await (await priya.get(`/api/v1/instances/${b}`)).json()) as InstanceJson).process.version).toBe(1);
    const audit = await (await api("ana")).get(`/api/v1/audit?instanceId=${a}&action=instance.migrated`);
    const entries = ((await audit.json()) as { data: { reason: string; after: { version: number } }[] }).data;
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ reason: "v2 merges the holds", after: { version: 2 } });
  });

  test("Priya keeps the ERP token as a named secret: it is listed, never shown", async ({ asUser }) => {
    const page = await asUser("priya");
    await page.goto("/admin/secrets");
    await expect(page.getByRole("heading", { name: "Secrets", level: 1 })).toBeVisible();
    await expect(page.getByTestId("secret-erp_token")).toContainText("invoice-approval v1");
    const name = `e2e_${Date.now()}`;
    const value = `e2e-secret-${unique()}`;
    await page.getByLabel("Name", { exact: true }).fill(name);
    await page.getByLabel("Value", { exact: true }).fill(value);
    await page.getByLabel("Hosts it may be sent to").fill("erp.example.com");
    await page.getByRole("button", { name: "Create secret" }).click();
    await expect(page.getByTestId(`secret-${name}`)).toContainText("Never");
    expect(await page.content()).not.toContain(value);
    await page.screenshot({ path: "test-results/secrets.png", fullPage: true });
  });
});

test.describe("decision table columns", () => {
  test.describe.configure({ timeout: 90_000 });
  test("Priya tries a draft with a country column using a past instance's variables", async ({ api, asUser }) => {
    const key = `invoice-routing-cols-${Date.now()}`;
    const priya = await api("priya");
    await uploadRoutingTable(priya, key);
    // Draft 2 adds a country input (edited in dmn-js, e2e/dmn-editor.spec.ts; uploaded here).
    await uploadRoutingTable(priya, key, (m) => {
      m.inputs.push({ id: "input_country", label: "Country", expression: "country", expressionId: null, typeRef: "string", inputValues: null });
      m.rules.forEach((r, i) => r.inputEntries.push({ id: `${r.id}_country`, text: i === 0 ? '"DE","AT"' : "-" }));
    });
    const page = await asUser("priya");
    await page.goto(`/rules/${key}`);
    await expect(page.getByTestId("shown-version")).toHaveText("v2 draft", { timeout: 30_000 });

    // What-if with a past instance: the seeded INV-5002 (2,300 EUR) fills the amount.
    const picker = page.getByLabel("Fill from a past process instance");
    const option = picker.locator("option", { hasText: "INV-5002" }).first();
    await expect(option).toHaveCount(1);
    await picker.selectOption((await option.getAttribute("value"))!);
    await expect(page.getByTestId("what-if-instance-note")).toContainText("from INV-5002");
    await expect(page.getByLabel("Invoice amount", { exact: true })).toHaveValue("2300");
    await page.getByLabel("New vendor", { exact: true }).selectOption("false");
    await page.getByRole("button", { name: "Evaluate" }).click();
    await expect(page.getByTestId("what-if-result")).toContainText('"clerk"');
    await page.screenshot({ path: "test-results/rules-what-if-instance.png", fullPage: true });
  });
});
