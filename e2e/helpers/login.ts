import { expect, type Page } from "@playwright/test";

export const DEMO_PASSWORD = "baton-demo";

/** Signs in through the login form, the way a person does, and waits to leave /login. */
export async function loginThroughForm(page: Page, email: string, password = DEMO_PASSWORD, path = "/inbox"): Promise<void> {
  await page.goto(path);
  await expect(page).toHaveURL(/\/login/);
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
}
