// Issue #20, "Done means": Priya builds a new team in the browser from nothing — creates the
// group, invites two people (the e-mails reach a real SMTP server), they accept and set their
// passwords, she sets a supervisor, skills and the calendar — then the next task routes to one of them
// and escalates to their manager's manager (Omar's manager: Priya) on time.
import { expect, test, type TaskJson } from "./fixtures";
import { E2E_SMTP_PORT } from "./helpers/ports";
import { startSmtpServer } from "./helpers/smtp";

let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
test.beforeAll(async () => {
  smtp = await startSmtpServer(E2E_SMTP_PORT);
});
test.afterAll(async () => {
  await smtp?.close();
});

test("Priya builds a team from nothing; its first task routes to a newcomer and escalates to their manager's manager", async ({ asUser, api, browser }, testInfo) => {
  test.setTimeout(120_000);
  const run = Date.now().toString(36);
  const teamName = `Claims ${run}`;
  const people = [
    { name: `Nina Novak ${run}`, email: `nina-${run}@acme.test` },
    { name: `Ravi Rao ${run}`, email: `ravi-${run}@acme.test` },
  ];
  const page = await asUser("priya");

  // The group, created in the browser.
  await page.goto("/admin/groups");
  await page.getByRole("button", { name: "New group" }).click();
  const create = page.getByRole("dialog", { name: "New group" });
  await create.getByLabel("Name").fill(teamName);
  await create.getByLabel("Skills (optional)").fill("motor");
  await create.getByRole("button", { name: "Create group" }).click();
  await expect(page.getByRole("heading", { level: 1, name: teamName })).toBeVisible();
  const key = (await page.locator("main p.font-mono").first().textContent())!.trim();

  // Two invitations, with the group, a skill and Omar as their manager.
  await page.goto("/admin/people");
  for (const p of people) {
    await page.getByRole("button", { name: "Invite a person" }).click();
    const dialog = page.getByRole("dialog", { name: "Invite a person" });
    await dialog.getByLabel("Name").fill(p.name);
    await dialog.getByLabel("E-mail").fill(p.email);
    await dialog.getByLabel("Skills").fill("motor");
    await dialog.getByLabel("Manager").selectOption({ label: "Omar Haddad (omar@acme.test)" });
    await dialog.getByRole("checkbox", { name: teamName }).check();
    await dialog.getByRole("button", { name: "Send invitation" }).click();
    await expect(dialog).toBeHidden();
  }
  await page.getByRole("search", { name: "Filter people" }).getByLabel("Search").fill(run);
  await expect(page.getByTestId("people-table").getByTestId("invitation-status")).toHaveCount(2);
  await page.screenshot({ path: testInfo.outputPath("people-invited.png"), fullPage: true });

  // Each reads the e-mail, opens the link and sets a password: they land in their inbox.
  for (const p of people) {
    await expect.poll(() => smtp.received.find((m) => m.to.includes(p.email)), { timeout: 20_000 }).toBeTruthy();
    const link = /(http\S+\/invite#[A-Za-z0-9_-]+)/.exec(smtp.received.find((m) => m.to.includes(p.email))!.text)![1]!;
    const context = await browser.newContext();
    const newcomer = await context.newPage();
    await newcomer.goto(link);
    await expect(newcomer.getByRole("heading", { name: `Welcome, ${p.name}` })).toBeVisible();
    await newcomer.getByLabel("New password").fill("a long enough password");
    await newcomer.getByLabel("Repeat the password").fill("a long enough password");
    if (p === people[0]) await newcomer.screenshot({ path: testInfo.outputPath("invite-accept.png"), fullPage: true });
    await newcomer.getByRole("button", { name: "Set password and sign in" }).click();
    await expect(newcomer).toHaveURL(/\/inbox/);
    await context.close();
  }

  // Supervisor and calendar on the group's page.
  await page.goto(`/admin/groups/${key}`);
  await page.getByRole("searchbox", { name: "Set the supervisor" }).fill("Omar");
  await page.getByRole("button", { name: "Make supervisor Omar Haddad" }).click();
  await expect(page.getByTestId("group-supervisor")).toContainText("Omar Haddad");
  const calendar = page.getByTestId("calendar-form");
  await calendar.getByLabel("Time zone").fill("Europe/Berlin");
  await calendar.getByLabel("Holidays").fill("2026-12-24\n2026-12-25");
  // A short Friday, and a lunch break on Monday: an overlapping interval is refused on its field.
  await calendar.getByLabel("To (Friday, interval 1)").fill("13:00");
  await calendar.getByRole("button", { name: "Add interval on Monday" }).click();
  await expect(calendar.getByLabel("From (Monday, interval 2)")).toBeFocused();
  await calendar.getByLabel("From (Monday, interval 2)").fill("11:00");
  await calendar.getByRole("button", { name: "Save calendar" }).click();
  await expect(calendar.getByLabel("From (Monday, interval 2)")).toHaveAccessibleDescription("overlaps 09:00–17:00");
  await calendar.getByLabel("To (Monday, interval 1)").fill("12:00");
  await calendar.getByLabel("From (Monday, interval 2)").fill("13:00");
  await calendar.getByLabel("To (Monday, interval 2)").fill("17:00");
  await calendar.getByRole("button", { name: "Save calendar" }).click();
  await expect(page.getByTestId("members-table").locator("[data-member]")).toHaveCount(2);
  await page.screenshot({ path: testInfo.outputPath("group-page.png"), fullPage: true });
  // The hours per weekday on a phone.
  await page.setViewportSize({ width: 390, height: 844 });
  await calendar.screenshot({ path: testInfo.outputPath("group-calendar-390.png") });
  const admin = await api("priya");
  await expect.poll(async () => ((await (await admin.get(`/api/v1/groups/${key}/calendar`)).json()) as { timeZone: string; holidays: string[] }).timeZone).toBe("Europe/Berlin");
  const saved = (await (await admin.get(`/api/v1/groups/${key}/calendar`)).json()) as { hours: Record<string, { start: string; end: string }[]> };
  expect(saved.hours).toMatchObject({ mon: [{ start: "09:00", end: "12:00" }, { start: "13:00", end: "17:00" }], fri: [{ start: "09:00", end: "13:00" }], sat: [] });

  // The next task routes to one of them, and 4 s later climbs to their manager's manager. Sam (a
  // supervisor) asks for it: had Priya created it herself, separation of duties would keep it from
  // her when the level fires (the level fires and says so; tests/people.int.test.ts pins that rule).
  const sam = await api("sam");
  const res = await sam.post("/api/v1/tasks", {
    data: { title: `First claim ${run}`, routing: { strategy: "round_robin", group: key }, escalation: { levels: [{ after: "PT4S", action: "manager_of_manager" }] } },
  });
  expect(res.status()).toBe(201);
  const task = (await res.json()) as TaskJson;
  expect(people.map((p) => p.name)).toContain(task.assignee?.name);
  await expect
    .poll(async () => ((await (await admin.get(`/api/v1/tasks/${task.id}`)).json()) as TaskJson).assignee?.name, { timeout: 20_000 })
    .toBe("Priya Raman");
  const { data: fired } = (await (await admin.get(`/api/v1/tasks/${task.id}/escalations`)).json()) as { data: { action: string; latenessMs: number; note: string }[] };
  expect(fired).toHaveLength(1);
  expect(fired[0]).toMatchObject({ action: "manager_of_manager", note: expect.stringContaining(`${task.assignee!.name}'s manager's manager`) });
  // On time: its timer fired it (the sweep, every 5 s, is the backstop).
  expect(fired[0]!.latenessMs).toBeLessThan(6_000);
  await admin.post(`/api/v1/tasks/${task.id}/cancel`, { data: { reason: "e2e clean-up" } });
});
