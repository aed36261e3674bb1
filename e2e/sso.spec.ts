// Single sign-on end to end against a real OpenID Connect provider (oidc-provider, started by
// playwright.config.ts): the authorization code flow with PKCE in Chromium, a person created just
// in time with the role and group their claims map to, and a person deprovisioned through SCIM
// refused with a clear message.
import type { Browser, Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { E2E_OIDC_ISSUER, E2E_OIDC_NAME, E2E_SSO_ORIGIN } from "./helpers/oidc";
import { expectNoSeriousViolations } from "./helpers/axe";


/** Through Baton's sign-in page and the provider's own sign-in form, in a fresh browser context. */
async function signInWithSso(browser: Browser, login: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${E2E_SSO_ORIGIN}/inbox`);
  await expect(page).toHaveURL(/\/login/);
  await page.getByRole("button", { name: `Sign in with ${E2E_OIDC_NAME}` }).click();
  // The provider's page: the authorization request carried a PKCE challenge (the provider requires it).
  await page.waitForURL((url) => url.origin === E2E_OIDC_ISSUER && url.pathname.startsWith("/interaction/"));
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill("any password");
  await page.getByRole("button", { name: "Sign-in" }).click();
  await page.waitForURL((url) => url.origin !== E2E_OIDC_ISSUER, { timeout: 15_000 });
  return page;
}

const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

test.describe("single sign-on", () => {
  test.describe.configure({ timeout: 60_000 });


  test("Nora signs in through Acme SSO for the first time: a supervisor in the credit review queue", async ({ browser, createTask }) => {
    const task = await createTask({ title: `Credit check for Nordwind ${Date.now()}`, candidateGroup: "credit-review" });
    const context = await browser.newContext();
    const login = await context.newPage();
    await login.goto(`${E2E_SSO_ORIGIN}/login`);
    await expect(login.getByRole("button", { name: `Sign in with ${E2E_OIDC_NAME}` })).toBeVisible();
    await expect(login.getByRole("button", { name: "Sign in", exact: true })).toBeVisible();
    await expectNoSeriousViolations(login, "the sign-in page with single sign-on");
    await context.close();

    const page = await signInWithSso(browser, "nora");
    await expect(page).toHaveURL(/\/inbox/);
    // The group claim put her in the credit review queue: its task is in her inbox.
    await expect(page.getByText(task.title)).toBeVisible();
    const me = await page.request.get(`${E2E_SSO_ORIGIN}/api/v1/me`);
    expect(me.status()).toBe(200);
    expect(await me.json()).toMatchObject({ email: "nora.quinn@acme.test", name: "Nora Quinn", role: "SUPERVISOR" });
    await page.context().close();
  });

  test("Lee, deprovisioned through SCIM, is refused with a clear message", async ({ browser, createToken, bearer }) => {
    const { token } = await createToken("ADMIN", { scopes: ["scim:provision"] });
    const scim = await bearer(token);
    // As an identity provider does: look the person up, create them if missing, then deactivate.
    const found = await scim.get(`/scim/v2/Users?filter=${encodeURIComponent('userName eq "lee.leaver@acme.test"')}`);
    expect(found.headers()["content-type"]).toMatch(/application\/scim\+json/);
    let id = ((await found.json()) as { Resources: { id: string }[] }).Resources[0]?.id;
    if (!id) {
      const created = await scim.post("/scim/v2/Users", { data: { schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"], userName: "lee.leaver@acme.test", displayName: "Lee Leaver", active: true } });
      expect(created.status()).toBe(201);
      id = ((await created.json()) as { id: string }).id;
    }
    const off = await scim.patch(`/scim/v2/Users/${id}`, { data: { schemas: [PATCH_OP], Operations: [{ op: "replace", value: { active: false } }] } });
    expect(off.status()).toBe(200);
    expect(await off.json()).toMatchObject({ active: false });

    const page = await signInWithSso(browser, "lee");
    await expect(page).toHaveURL(/\/login\?error=deactivated/);
    await expect(page.getByTestId("sign-in-problem")).toContainText("Your Baton account has been deactivated");
    await expectNoSeriousViolations(page, "the sign-in page with a refusal");
    // Still signed out.
    expect((await page.request.get(`${E2E_SSO_ORIGIN}/api/v1/me`)).status()).toBe(401);
    await page.context().close();
  });
});
