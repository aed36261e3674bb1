// Request more information between two people in two browser contexts, comments in the timeline,
// and a live update seen without a reload. Each test makes its own tasks.
import { expect, test } from "./fixtures";

const unique = () => `${Date.now()}-${Math.floor(Math.random() * 1000)}`;

test.describe("inbox: questions, answers, comments, live", () => {
  test("Maya asks Dana with i; Dana answers from 'Info requested of me'; Maya sees it come back live and approves", async ({ asUser, createTask }, testInfo) => {
    const title = `Approve invoice INV-Q-${unique()} from Question Marks Ltd`;
    // In Dana's queue as well as Maya's hands: a question may only reach someone who can see the task (M4).
    const task = await createTask({
      title,
      assignee: "maya@acme.test",
      candidateGroup: "accounts-payable",
      context: { vendor: "Question Marks Ltd", amount: 4100, currency: "EUR", poMatch: "quantity mismatch" },
    });

    const maya = await asUser("maya");
    const dana = await asUser("dana");
    await maya.goto(`/inbox?view=mine&task=${task.id}`);
    await expect(maya.getByTestId("live-status")).toHaveAttribute("data-status", "live");
    const detail = maya.getByTestId("task-detail");
    await expect(detail).toContainText(title);

    // Keyboard: focus the row, press i.
    await maya.getByRole("option", { name: new RegExp(task.reference) }).focus();
    await maya.keyboard.press("i");
    const dialog = maya.getByRole("dialog", { name: `Ask for more information on ${task.reference}` });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByLabel("Question")).toBeFocused();
    await dialog.getByRole("button", { name: "Send question" }).click();
    await expect(dialog).toContainText("Write the question you need answered");
    await dialog.getByLabel("Ask").selectOption({ label: "Dana Lee" });
    const question = `Delivery note says 40 units, invoice 48 — which is right? (${unique()})`;
    await dialog.getByLabel("Question").fill(question);
    await maya.screenshot({ path: testInfo.outputPath("request-info-dialog.png") });
    await dialog.getByRole("button", { name: "Send question" }).click();
    await expect(dialog).toBeHidden();
    await expect(maya.getByRole("status")).toContainText(`Asked for more information on ${task.reference} (asked Dana Lee)`);
    await expect(detail.getByTestId("info-request")).toContainText("Waiting for Dana Lee");
    await expect(detail.getByTestId("info-request")).toContainText(question);
    await expect(detail.getByRole("button", { name: /Approve/ })).toHaveCount(0);

    // Dana: the question waits in her view; she answers.
    await dana.goto("/inbox?view=asked");
    const row = dana.getByRole("option", { name: new RegExp(task.reference) });
    await expect(row).toBeVisible();
    await expect(row).toContainText("Maya Lindqvist asks you");
    await row.click();
    const danaDetail = dana.getByTestId("task-detail");
    await expect(danaDetail.getByTestId("info-request")).toContainText(question);
    await dana.screenshot({ path: testInfo.outputPath("info-requested-task.png"), fullPage: true });
    await danaDetail.getByRole("button", { name: "Send answer" }).click();
    await expect(danaDetail).toContainText("Write your answer");
    await danaDetail.getByLabel("Your answer").fill("48 is right: the second delivery note (DN-7731) covers the other 8.");
    await danaDetail.getByRole("button", { name: "Send answer" }).click();
    await expect(dana.getByRole("status")).toContainText(`Answered the question on ${task.reference}`);
    await expect(row).toHaveCount(0);

    // Maya, without a reload: the task is open again with the answer in the timeline.
    await expect(detail.getByTestId("info-request")).toHaveCount(0, { timeout: 5_000 });
    const timeline = detail.getByTestId("task-history");
    await expect(timeline.getByTestId("comment-question")).toContainText(question);
    await expect(timeline.getByTestId("comment-answer")).toContainText("DN-7731");
    await expect(timeline.getByTestId("comment-answer")).toContainText("Dana Lee answered Maya Lindqvist");

    // A comment with a mention, then approve.
    await detail.getByLabel("Mention").selectOption({ label: "Sam Okafor (sam@acme.test)" });
    await expect(detail.getByRole("textbox", { name: "Add a comment" })).toHaveValue(/@sam@acme\.test/);
    await detail.getByRole("textbox", { name: "Add a comment" }).pressSequentially("approving with the corrected quantity.");
    await detail.getByRole("button", { name: "Comment", exact: true }).click();
    await expect(maya.getByRole("status")).toContainText("notified Sam Okafor");
    await expect(timeline.getByTestId("comment-comment")).toContainText("Mentioned: Sam Okafor");
    await detail.screenshot({ path: testInfo.outputPath("timeline-with-comments.png") });

    await detail.getByRole("button", { name: /Approve/ }).click();
    await expect(maya.getByRole("status")).toContainText(`Approved ${task.reference}`);
  });

  test("live: a task decided by Dana leaves Maya's group queue without a reload; a new one appears", async ({ asUser, api, createTask }) => {
    const first = await createTask({ title: `Approve invoice INV-L-${unique()} from Live Wire`, candidateGroup: "accounts-payable" });
    const maya = await asUser("maya");
    await maya.goto("/inbox?view=group");
    await expect(maya.getByTestId("live-status")).toHaveAttribute("data-status", "live");
    const row = maya.getByRole("option", { name: new RegExp(first.reference) });
    await expect(row).toBeVisible();

    // Polling is 60 s while live: anything faster than that came over the stream.
    const dana = await api("dana");
    const res = await dana.post(`/api/v1/tasks/${first.id}/decision`, { data: { outcome: "approve" } });
    expect(res.status()).toBe(200);
    await expect(row).toHaveCount(0, { timeout: 5_000 });

    const second = await createTask({ title: `Approve invoice INV-L-${unique()} from Fresh Arrivals`, candidateGroup: "accounts-payable" });
    await expect(maya.getByRole("option", { name: new RegExp(second.reference) })).toBeVisible({ timeout: 5_000 });
  });
});
