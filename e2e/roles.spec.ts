// Who may see what: pages are refused on the server for the wrong role, the auditor sees the
// log, and a wrong password says so without saying which part was wrong.
import { expect, test } from "./fixtures";
import { loginThroughForm } from "./helpers/login";

test.describe("roles and sign-in", () => {
  test("a member opening /audit or /admin/tokens gets the no-access page and no data", async ({ asUser }) => {
    const page = await asUser("maya");
    const audit = await page.goto("/audit");
    expect(audit?.ok()).toBe(true);
    await expect(page.getByRole("heading", { name: "You don't have access to the audit log" })).toBeVisible();
    await expect(page.getByTestId("audit-table")).toHaveCount(0);
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit" })).toHaveCount(0);

    await page.goto("/admin/tokens");
    await expect(page.getByRole("heading", { name: "You don't have access to API tokens" })).toBeVisible();
    await expect(page.getByTestId("tokens-table")).toHaveCount(0);

    // The API refuses too.
    const res = await page.request.get("/api/v1/audit");
    expect(res.status()).toBe(403);
  });

  test("the auditor sees an approval in the audit log and can filter to it", async ({ asUser, api, createTask }) => {
    const reason = `E2E audit approval ${Date.now()}`;
    const task = await createTask({ title: `Approve invoice INV-E2E-AUDIT-${Date.now()}`, assignee: "maya@acme.test", context: { amount: 51000, currency: "EUR" } });
    const decided = await (await api("maya")).post(`/api/v1/tasks/${task.id}/decision`, { data: { outcome: "approve", reason } });
    expect(decided.status()).toBe(200);

    const page = await asUser("ana");
    await page.goto("/audit");
    await expect(page.getByRole("heading", { name: "Audit log" })).toBeVisible();
    await page.getByLabel("Action").selectOption("task.approved");
    await page.getByLabel("Search").fill(reason);
    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL(/action=task\.approved/);
    const row = page.getByTestId("audit-table").getByRole("row").filter({ hasText: reason });
    await expect(row).toHaveCount(1);
    await expect(row).toContainText("Maya Lindqvist");
    await expect(row).toContainText("Task approved");

    // The filter lives in the URL: a reload keeps it.
    await page.reload();
    await expect(page.getByTestId("audit-table").getByRole("row").filter({ hasText: reason })).toHaveCount(1);
  });

  test("the admin sees API tokens and the nav links for her role", async ({ asUser }) => {
    const page = await asUser("priya");
    // Her thirteen links fit the header's strip on a wide screen…
    await page.setViewportSize({ width: 1680, height: 900 });
    await page.goto("/admin/tokens");
    await expect(page.getByRole("heading", { name: "API tokens", level: 1 })).toBeVisible();
    const nav = page.getByRole("navigation", { name: "Main" });
    await expect(nav.getByRole("link", { name: "Audit" })).toBeVisible();
    await expect(nav.getByRole("link", { name: "API tokens" })).toBeVisible();
    await expect(page.getByRole("button", { name: /^Menu/ })).toBeHidden();
    // …and at 1280 px, where they would run under her name, they are in the Menu instead.
    await page.setViewportSize({ width: 1280, height: 900 });
    await expect(nav).toBeHidden();
    await expect(page.getByTestId("user-name")).toBeVisible();
    await page.getByRole("button", { name: /^Menu/ }).click();
    await expect(nav.getByRole("link", { name: "API tokens" })).toBeVisible();
    await expect(nav.getByRole("link", { name: "Audit" })).toBeVisible();
  });

  test("a wrong password shows one message that does not say which part was wrong", async ({ browser }) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto("/inbox");
    await expect(page).toHaveURL(/\/login\?callbackUrl=%2Finbox/);
    await page.getByLabel("E-mail").fill("leo@acme.test");
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page.getByTestId("login-error")).toContainText("That e-mail and password don't match an account");
    await expect(page).toHaveURL(/\/login/);
    await context.close();
  });

  test("signing in goes to the page that was asked for, and signing out ends the session", async ({ browser }) => {
    // Two browser contexts, a sign-in and a sign-out: more than the default budget on a busy machine.
    test.slow();
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto("/inbox?view=decided");
    await loginThroughForm(page, "sam@acme.test", undefined, page.url());
    await expect(page).toHaveURL(/\/inbox\?view=decided/);
    await expect(page.getByTestId("user-name")).toHaveText("Sam Okafor");
    // Someone copies the session cookie before Sam signs out...
    const copied = (await context.cookies()).filter((c) => c.name.includes("authjs.session-token"));
    expect(copied.length).toBeGreaterThan(0);
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/login/, { timeout: 20_000 });
    await page.goto("/inbox");
    await expect(page).toHaveURL(/\/login/);
    await context.close();
    // ...and it is refused from then on: logout ended the session on the server, not only in the browser.
    const thief = await browser.newContext();
    await thief.addCookies(copied);
    expect((await thief.request.get("/api/v1/me")).status()).toBe(401);
    const stolen = await thief.newPage();
    await stolen.goto("/inbox");
    await expect(stolen).toHaveURL(/\/login/);
    await expect(stolen.getByRole("button", { name: "Sign in", exact: true })).toBeVisible();
    await thief.close();
  });
});
