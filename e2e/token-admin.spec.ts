// Issue #18 part 1: the token admin. Priya creates a service account with grants and a token that
// acts for it; the token can do what the account is granted and nothing else. She edits the
// account's grants and deactivates it: its token stops at once.
import { CloudEvent, HTTP } from "cloudevents";
import { expect, expectStatus, test } from "./fixtures";

test.describe("token admin: service accounts", () => {
  test("Priya creates a service account with grants and a token for it; the token posts only granted events", async ({ asUser, api, bearer }) => {
    // Creating, editing, deactivating and reactivating: more than the default budget on a busy machine.
    test.slow();
    const stamp = Date.now();
    const account = `e2e-bridge-${stamp}`;
    const page = await asUser("priya");
    await page.goto("/admin/tokens");
    await expect(page.getByRole("heading", { name: "API tokens", level: 1 })).toBeVisible();

    const form = page.getByRole("form", { name: "Create a service account" });
    await form.getByLabel("Account name").fill(account);
    await form.getByLabel("Groups whose tasks it may see and decide").fill("accounts-payable");
    await form.getByLabel("Events it may post").fill("/e2e-bridge com.acme.e2e.ping");
    await form.getByRole("button", { name: "Create service account" }).click();
    const listed = page.getByTestId("service-accounts").getByRole("listitem").filter({ hasText: account });
    await expect(listed).toContainText("Groups: accounts-payable");
    await expect(listed).toContainText("/e2e-bridge com.acme.e2e.ping");

    await page.getByLabel("Name", { exact: true }).fill(`E2E bridge ${stamp}`);
    await page.getByLabel("Acts for").selectOption({ label: `${account} (service account)` });
    await page.getByLabel("Role", { exact: true }).selectOption("MEMBER");
    await page.getByRole("button", { name: "Create token" }).click();
    const secret = (await page.getByTestId("new-token-secret").getByLabel("Token secret").textContent())!.trim();
    expect(secret).toMatch(/^bat_/);
    const row = page.getByTestId("tokens-table").getByRole("row").filter({ hasText: `E2E bridge ${stamp}` });
    await expect(row).toContainText(account);
    await expect(row).toContainText("service account");

    // The token is a MEMBER of accounts-payable through its account: it reads, it cannot post events (no events:write).
    const client = await bearer(secret);
    await expectStatus(await client.get("/api/v1/tasks?view=all&limit=1"), 200);
    const event = HTTP.binary(new CloudEvent({ source: "/e2e-bridge", type: "com.acme.e2e.ping", data: {} }));
    const posted = await client.post("/api/v1/events", { headers: event.headers as Record<string, string>, data: event.body as string });
    expect(posted.status()).toBe(403);

    // Priya edits the account's grants: the list shows them at once.
    await listed.getByRole("button", { name: `Edit ${account}` }).click();
    const edit = page.getByRole("form", { name: `Edit ${account}` });
    await edit.getByLabel("Events it may post").fill("/e2e-bridge com.acme.e2e.ping\n/e2e-bridge com.acme.e2e.pong");
    await edit.getByRole("button", { name: "Save changes" }).click();
    await expect(listed).toContainText("/e2e-bridge com.acme.e2e.pong");

    // Deactivating the account stops its token at once; reactivating lets it work again.
    await listed.getByRole("button", { name: `Deactivate ${account}` }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Deactivate" }).click();
    await expect(listed).toContainText("Deactivated");
    await expectStatus(await client.get("/api/v1/tasks?view=all&limit=1"), 401);
    await listed.getByRole("button", { name: `Reactivate ${account}` }).click();
    await expect(listed).not.toContainText("Deactivated");
    await expectStatus(await client.get("/api/v1/tasks?view=all&limit=1"), 200);

    // Clean up: revoke the token.
    const tokens = (await (await (await api("priya")).get("/api/v1/tokens")).json()) as { data: { id: string; name: string }[] };
    const mine = tokens.data.find((t) => t.name === `E2E bridge ${stamp}`)!;
    await expectStatus(await (await api("priya")).delete(`/api/v1/tokens/${mine.id}`), 200);
  });

  test("a token whose owner is out of office says so: it still acts for them alone (ADR 053)", async ({ asUser }, testInfo) => {
    const page = await asUser("priya");
    await page.goto("/admin/tokens");
    // The demo's Tomás is on leave with Chen covering; his KYC export script keeps its token.
    const row = page.getByTestId("tokens-table").getByRole("row").filter({ hasText: "KYC export" });
    await expect(row).toContainText(/Out of office until .+ · delegate Chen Wei — still acts for them/);
    await page.screenshot({ path: testInfo.outputPath("tokens-owner-away.png"), fullPage: true });
  });
});
