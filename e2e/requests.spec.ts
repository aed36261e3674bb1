// Requesters (issue #21, ADR 039): Rita files a refund from the catalogue, follows it under My
// requests, answers Sam's question there and sees his decision — live, without a reload. Sam's
// side goes through the API: his inbox is covered by the inbox specs.
import { expect, expectStatus, test, type TaskJson } from "./fixtures";

test("Rita files a refund, answers Sam's question and sees the decision", async ({ asUser, api, trackTask }, testInfo) => {
  const customer = `Tailspin Toys ${Date.now()}`;
  const rita = await asUser("rita");
  await rita.goto("/requests/new");
  await rita.getByRole("button", { name: /Customer refund/ }).click();
  const form = rita.getByTestId("start-form");
  // The browser runs the server's schema: required fields and the conditional one are named.
  await form.getByLabel("Reason").selectOption("other");
  await form.getByRole("button", { name: "Submit request" }).click();
  await expect(form).toContainText("required");
  await expect(form.getByLabel(/What happened/)).toBeVisible();
  await form.getByLabel("Reason").selectOption("damaged");
  await expect(form.getByLabel(/What happened/)).toHaveCount(0);
  await form.getByLabel(/Customer/).fill(customer);
  await form.getByLabel(/Order number/).fill("SO-1042");
  await form.getByLabel(/Amount to refund/).fill("249.90");
  await rita.screenshot({ path: testInfo.outputPath("new-request.png"), fullPage: true });
  await form.getByRole("button", { name: "Submit request" }).click();

  await expect(rita).toHaveURL(/\/requests\?filed=/);
  await expect(rita.getByTestId("live-status")).toHaveAttribute("data-status", "live");
  const card = rita.getByTestId("request-card").filter({ hasText: customer });
  await expect(card).toContainText("249.9");
  await expect(card).toContainText("with the Finance team leads queue");

  // Sam (finance leads) asks Rita through the API.
  const sam = await api("sam");
  let task: TaskJson | undefined;
  await expect
    .poll(async () => {
      const res = await sam.get(`/api/v1/tasks?view=group&q=${encodeURIComponent(customer)}`);
      task = ((await res.json()) as { data: TaskJson[] }).data[0];
      return task?.title ?? null;
    })
    .toBe(`Refund 249.9 EUR to ${customer}`);
  if (!task) throw new Error("no task");
  trackTask(task.id);
  await expectStatus(await sam.post(`/api/v1/tasks/${task.id}/request-info`, { data: { question: "Was the box damaged on arrival or later?" } }), 200);

  // Rita sees the question without a reload and answers it there.
  const answerForm = card.getByRole("form", { name: "Answer Sam Okafor" });
  await expect(answerForm).toContainText("Was the box damaged on arrival or later?");
  await answerForm.getByLabel("Your answer").fill("On arrival: the courier's photo shows it.");
  await rita.screenshot({ path: testInfo.outputPath("my-requests-question.png"), fullPage: true });
  await answerForm.getByRole("button", { name: "Send answer" }).click();
  await expect(answerForm).toHaveCount(0);

  // Sam approves a lower amount through the step's form; Rita sees the decision live.
  await expectStatus(await sam.post(`/api/v1/tasks/${task.id}/decision`, { data: { outcome: "approve", form: { approvedAmount: 200 } } }), 200);
  // "Completed" waits for the worker to run the steps after the decision (a busy CI machine: seconds).
  await expect(card).toContainText("Completed", { timeout: 30_000 });
  const timeline = card.getByTestId("request-timeline");
  await expect(timeline).toContainText("Sam Okafor: Refund 249.9 EUR to");
  await expect(timeline).toContainText("approved");
  await expect(timeline).toContainText("On arrival: the courier's photo shows it.");
  await rita.screenshot({ path: testInfo.outputPath("my-requests-decided.png"), fullPage: true });
});
