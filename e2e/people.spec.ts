// Issue #20: the organisation in the browser. Priya gives a person a skill and a group in the
// People admin, and the next task needing that skill routes to them; Sam sets his own out of
// office and his open work goes to his delegate, Dana.
import { addDays, format } from "date-fns";
import { expect, expectStatus, test, type TaskJson } from "./fixtures";
import { expectNoSeriousViolations } from "./helpers/axe";

test.describe("people administration", () => {
  test("Priya gives Leo a skill and a group; the next task needing it routes to him", async ({ asUser, api }, testInfo) => {
    const skill = `e2e-${Date.now()}`;
    const admin = await api("priya");
    const leo = ((await (await admin.get("/api/v1/users?q=leo%40acme.test")).json()) as { data: { id: string; skills: string[]; groups: { key: string }[] }[] }).data[0]!;
    const page = await asUser("priya");
    try {
      await page.goto("/admin/people");
      await expect(page.getByRole("heading", { name: "People", level: 1 })).toBeVisible();
      await page.getByRole("search", { name: "Filter people" }).getByLabel("Search").fill("Leo");
      const row = page.getByTestId("people-table").locator('[data-person="leo@acme.test"]');
      await expect(row).toBeVisible();
      await expectNoSeriousViolations(page, "the People admin");
      await row.getByRole("button", { name: "Edit Leo Martin" }).click();
      const dialog = page.getByRole("dialog", { name: "Edit Leo Martin" });
      await dialog.getByLabel("Skills").fill(skill);
      await dialog.getByRole("checkbox", { name: "Credit review" }).check();
      await dialog.getByLabel("Manager").selectOption({ label: "Omar Haddad (omar@acme.test)" });
      await dialog.getByLabel("Reason (optional)").fill("Helps credit review");
      await expectNoSeriousViolations(page, "the edit dialog");
      await dialog.getByRole("button", { name: "Save changes" }).click();
      await expect(dialog).toBeHidden();
      await expect(row).toContainText(skill);
      await expect(row).toContainText("Credit review");
      await expect(row).toContainText("Omar Haddad");
      await page.screenshot({ path: testInfo.outputPath("people-admin.png"), fullPage: true });

      // A loop is refused with a clear message: Omar cannot report to Leo, who now reports to him.
      const omar = ((await (await admin.get("/api/v1/users?q=omar%40acme.test")).json()) as { data: { id: string }[] }).data[0]!;
      const loop = await admin.patch(`/api/v1/users/${omar.id}`, { data: { managerId: leo.id } });
      expect(loop.status()).toBe(422);
      expect((await loop.json()).detail).toContain("reporting loop");

      const res = await admin.post("/api/v1/tasks", {
        data: { title: `Credit check ${skill}`, routing: { strategy: "least_loaded", group: "credit-review" }, requiredSkills: [skill] },
      });
      await expectStatus(res, 201);
      const task = (await res.json()) as TaskJson;
      expect(task.assignee?.name).toBe("Leo Martin");
      await admin.post(`/api/v1/tasks/${task.id}/cancel`, { data: { reason: "e2e clean-up" } });
    } finally {
      await expectStatus(await admin.patch(`/api/v1/users/${leo.id}`, { data: { skills: leo.skills, groups: leo.groups.map((g) => g.key), managerId: "sam@acme.test" } }), 200);
    }
  });
});

test.describe("my own out of office", () => {
  test("Sam sets his own out of office with Dana as delegate and his work goes to her", async ({ asUser, api }, testInfo) => {
    const admin = await api("priya");
    const created = await admin.post("/api/v1/tasks", { data: { title: `Sign-off before the holiday ${Date.now()}`, assignee: "sam@acme.test" } });
    await expectStatus(created, 201);
    const task = (await created.json()) as TaskJson;
    const sam = await asUser("sam");
    const samApi = await api("sam");
    const made = [task.id];
    try {
      await sam.goto("/settings");
      const section = sam.getByRole("region", { name: "Out of office" });
      await section.getByLabel("Back on").fill(format(addDays(new Date(), 3), "yyyy-MM-dd"));
      await section.getByLabel("Delegate", { exact: true }).selectOption({ label: "Dana Lee" });
      await section.getByLabel("Also hand my current open tasks to my delegate now").check();
      await expectNoSeriousViolations(sam, "the out-of-office settings");
      await section.getByRole("button", { name: "Save out of office" }).click();
      await expect(section.getByTestId("my-out-of-office")).toContainText("You are out of office");
      await expect(section.getByTestId("my-out-of-office")).toContainText("Dana Lee takes your work");
      await sam.screenshot({ path: testInfo.outputPath("my-out-of-office.png"), fullPage: true });

      const moved = (await (await admin.get(`/api/v1/tasks/${task.id}`)).json()) as TaskJson;
      expect(moved.assignee?.name).toBe("Dana Lee");
      // New direct work for Sam goes to Dana while he is away.
      const next = (await (await admin.post("/api/v1/tasks", { data: { title: `While away ${Date.now()}`, assignee: "sam@acme.test" } })).json()) as TaskJson;
      made.push(next.id);
      expect(next.assignee?.name).toBe("Dana Lee");

      await section.getByRole("button", { name: "End now" }).click();
      await expect(section.getByText("You are not out of office.")).toBeVisible();
    } finally {
      // Whatever happened, Sam is back for the other specs.
      await samApi.delete("/api/v1/me/out-of-office");
      for (const id of made) await admin.post(`/api/v1/tasks/${id}/cancel`, { data: { reason: "e2e clean-up" } });
    }
  });
});
