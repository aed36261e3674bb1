// Issue #20: account security end to end, for a person made for this test (an admin invited by
// Priya; the demo people's sessions belong to other specs). The reset e-mail goes through the real SMTP
// server this spec starts; asking for an unknown address answers exactly the same. The person sets
// a new password from the link, signs in with it, turns on two-step sign-in with a code computed
// here by otplib (what the product uses), signs out, signs in with password and code, then with a
// recovery code — which a second time is refused (ADR 037). On the way, requiring a second factor
// of her own role before she has one asks her first, and cancelling changes nothing (ADR 053).
import { generate } from "otplib";
import type { Page } from "@playwright/test";
import { expect, expectStatus, test } from "./fixtures";
import { expectNoSeriousViolations } from "./helpers/axe";
import { E2E_SMTP_PORT } from "./helpers/ports";
import { startSmtpServer } from "./helpers/smtp";

let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
test.beforeAll(async () => {
  smtp = await startSmtpServer(E2E_SMTP_PORT);
});
test.afterAll(async () => {
  await smtp?.close();
});

const mailTo = async (address: string, subject: RegExp) => {
  await expect.poll(() => smtp.received.find((m) => m.to.includes(address) && subject.test(m.headers.subject ?? "")), { timeout: 20_000 }).toBeTruthy();
  return smtp.received.find((m) => m.to.includes(address) && subject.test(m.headers.subject ?? ""))!;
};

async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
}

/** E-mail and password on the sign-in form; the code step follows for a person with a second factor. */
async function passwordStep(page: Page, email: string, password: string) {
  await page.goto("/login");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByLabel("Authentication code")).toBeVisible();
}

test("a person resets their password by e-mail, turns on two-step sign-in and signs in with a code, then a recovery code once", async ({ api, anonymous, browser }, testInfo) => {
  test.setTimeout(150_000);
  const run = Date.now().toString(36);
  const email = `lena-${run}@acme.test`;
  const firstPassword = "the first password of lena";
  const newPassword = "a brand new password for lena";

  // A person of her own: invited by Priya, who accepts with a first password.
  const priya = await api("priya");
  await expectStatus(await priya.post("/api/v1/invitations", { data: { name: `Lena Berg ${run}`, email, role: "ADMIN" } }), 201);
  const invite = await mailTo(email, /invit/i);
  const inviteToken = /\/invite#([A-Za-z0-9_-]+)/.exec(invite.text)![1]!;
  const guest = await anonymous();
  await expectStatus(await guest.post("/api/v1/invitations/accept", { data: { token: inviteToken, password: firstPassword } }), 200);

  // Forgot password: an unknown address gets the very same answer, and no e-mail.
  const context = await browser.newContext();
  const page = await context.newPage();
  const ask = async (address: string) => {
    await page.goto("/login");
    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await expect(page).toHaveURL(/\/forgot-password/);
    await page.getByLabel("E-mail").fill(address);
    await page.getByRole("button", { name: "E-mail me a link" }).click();
    return (await page.getByTestId("reset-requested").textContent())!.trim();
  };
  const unknown = `nobody-${run}@acme.test`;
  const forUnknown = await ask(unknown);
  const forLena = await ask(email);
  expect(forLena).toBe(forUnknown);
  expect(forLena).toMatch(/we have e-mailed it a link/);
  await page.screenshot({ path: testInfo.outputPath("reset-requested.png"), fullPage: true });

  // The link from the e-mail: a new password, then sign in with it (the old one no longer works).
  const resetMail = await mailTo(email, /password/i);
  const link = /(http\S+\/reset-password#token=[A-Za-z0-9_-]+)/.exec(resetMail.text)![1]!;
  expect(smtp.received.some((m) => m.to.includes(unknown))).toBe(false);
  await page.goto(link);
  await page.getByLabel("New password", { exact: true }).fill(newPassword);
  await page.getByLabel("New password again").fill(newPassword);
  await expectNoSeriousViolations(page, "the reset-password page");
  await page.getByRole("button", { name: "Set new password" }).click();
  await expect(page.getByTestId("password-reset-done")).toContainText("Your password is changed");
  // The link worked once: opened again (a new page load, not the same document), it is refused.
  await page.goto("/login");
  await page.goto(link);
  await page.getByLabel("New password", { exact: true }).fill("yet another password 1");
  await page.getByLabel("New password again").fill("yet another password 1");
  await page.getByRole("button", { name: "Set new password" }).click();
  await expect(page.getByRole("link", { name: "Ask for a new link" })).toBeVisible();

  await page.goto("/login");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(firstPassword);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByTestId("login-error")).toBeVisible();
  await page.getByLabel("Password").fill(newPassword);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));

  // An admin without a second factor who requires one of admins is asked first; Cancel changes nothing.
  await page.goto("/settings/security");
  const policyForm = page.getByRole("form", { name: "Sign-in policy" });
  await policyForm.getByRole("checkbox", { name: "Admins" }).check();
  await policyForm.getByRole("button", { name: "Save policy" }).click();
  const confirm = page.getByRole("dialog", { name: "Require two-step sign-in of yourself?" });
  await expect(confirm).toContainText("you will be taken to set one up");
  await expectNoSeriousViolations(page, "the sign-in policy confirmation");
  await page.screenshot({ path: testInfo.outputPath("policy-confirm.png"), fullPage: true });
  await confirm.getByRole("button", { name: "Cancel" }).click();
  await expect(confirm).toBeHidden();
  expect(((await (await priya.get("/api/v1/sign-in-policy")).json()) as { mfaRequiredRoles: string[] }).mfaRequiredRoles).not.toContain("ADMIN");

  // Two-step sign-in, set up with a code computed from the key the page shows.
  await page.reload();
  await page.getByRole("button", { name: "Set up two-step sign-in" }).click();
  const secret = (await page.getByTestId("totp-secret").textContent())!.trim();
  expect(await page.getByTestId("totp-secret").getAttribute("data-otpauth")).toContain(encodeURIComponent(email));
  await page.getByLabel("Code from the app").fill(await generate({ secret }));
  await page.getByRole("button", { name: "Turn on" }).click();
  await expect(page.getByTestId("recovery-codes").locator("li")).toHaveCount(10);
  const codes = (await page.getByTestId("recovery-codes").locator("li").allTextContents()).map((c) => c.trim());
  await page.screenshot({ path: testInfo.outputPath("recovery-codes.png"), fullPage: true });
  await page.getByRole("button", { name: "I've saved them" }).click();
  await expect(page.getByTestId("totp-on")).toContainText("10 of 10 recovery codes left");
  await signOut(page);

  // Password, then the code: the next time step's code (the one just used for the set-up cannot be used again).
  await passwordStep(page, email, newPassword);
  await page.getByLabel("Authentication code").fill(await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 }));
  await page.getByRole("button", { name: "Verify" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
  await signOut(page);

  // A recovery code works once instead of the app's code…
  await passwordStep(page, email, newPassword);
  await page.getByLabel("Authentication code").fill(codes[0]!);
  await page.getByRole("button", { name: "Verify" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
  await page.goto("/settings/security");
  await expect(page.getByTestId("totp-on")).toContainText("9 of 10 recovery codes left");
  await signOut(page);

  // …and a second time it is refused, with no session.
  await passwordStep(page, email, newPassword);
  await page.getByLabel("Authentication code").fill(codes[0]!);
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByTestId("login-error")).toContainText("That code didn't work");
  await expect(page).toHaveURL(/\/login/);
  await page.screenshot({ path: testInfo.outputPath("recovery-code-refused.png"), fullPage: true });
  const me = await context.request.get("/api/v1/me");
  expect(me.status()).toBe(401);

  const history = (await (await priya.get(`/api/v1/audit?action=user.recovery_code_used&limit=20`)).json()) as { data: { actorName: string }[] };
  expect(history.data.filter((e) => e.actorName === `Lena Berg ${run}`)).toHaveLength(1);
  await context.close();
});
