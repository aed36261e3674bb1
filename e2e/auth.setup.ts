// Signs in each demo user once, through the login form, and stores the session for the tests
// (Playwright's setup-project pattern). Falls back to next-auth's credentials endpoint when the
// login page is not there.
import fs from "node:fs";
import path from "node:path";
import { test as setup, expect, type BrowserContext } from "@playwright/test";
import { DEMO_PASSWORD, USERS, storageStatePath, type UserName } from "./fixtures";

async function signInThroughForm(context: BrowserContext, email: string): Promise<boolean> {
  const page = await context.newPage();
  const res = await page.goto("/login");
  const emailField = page.getByLabel(/^e-?mail/i);
  if (!res?.ok() || !(await emailField.isVisible().catch(() => false))) {
    await page.close();
    return false;
  }
  await emailField.fill(email);
  await page.getByLabel(/^password/i).fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/login"), { timeout: 15_000 });
  await page.close();
  return true;
}

async function signInThroughApi(context: BrowserContext, email: string): Promise<void> {
  const csrf = await context.request.get("/api/auth/csrf");
  expect(csrf.ok()).toBe(true);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const res = await context.request.post("/api/auth/callback/credentials", {
    form: { csrfToken, email, password: DEMO_PASSWORD, callbackUrl: "/" },
    maxRedirects: 0,
  });
  expect(res.status(), await res.text()).toBeLessThan(400);
}

for (const name of Object.keys(USERS) as UserName[]) {
  setup(`sign in as ${name}`, async ({ browser }) => {
    const { email } = USERS[name];
    const context = await browser.newContext();
    try {
      if (!(await signInThroughForm(context, email))) await signInThroughApi(context, email);
      // The session works for the API, and it is the right person.
      const me = await context.request.get("/api/v1/me");
      expect(me.status(), await me.text()).toBe(200);
      expect(((await me.json()) as { email: string }).email).toBe(email);
      const file = storageStatePath(name);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      await context.storageState({ path: file });
    } finally {
      await context.close();
    }
  });
}
