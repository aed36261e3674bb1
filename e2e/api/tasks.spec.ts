// The REST API over real HTTP against the production build: what an integrator sees.
import { expect, expectStatus, problemOf, test, type TaskJson } from "../fixtures";

test.describe("tasks API", () => {
  test("a supervisor token creates a task: 201 with ETag and Location, readable at Location", async ({ createToken, bearer, trackTask }) => {
    const { token } = await createToken("SUPERVISOR");
    const client = await bearer(token);
    const title = `Approve invoice INV-E2E-${Date.now()}`;
    const res = await client.post("/api/v1/tasks", {
      data: { title, candidateGroup: "accounts-payable", priority: "HIGH", context: { amount: 2300, currency: "EUR" } },
    });
    await expectStatus(res, 201);
    const task = (await res.json()) as TaskJson;
    trackTask(task.id);
    expect(task).toMatchObject({ title, status: "OPEN", version: 1, priority: "HIGH" });
    expect(res.headers()["etag"]).toBe('"1"');
    expect(res.headers()["location"]).toBe(`/api/v1/tasks/${task.id}`);
    expect(res.headers()["x-request-id"]).toBeTruthy();

    const got = await client.get(res.headers()["location"]!);
    await expectStatus(got, 200);
    expect(got.headers()["etag"]).toBe('"1"');
    expect(((await got.json()) as TaskJson).title).toBe(title);
  });

  test("an invalid body is 422 problem+json with a code and field errors", async ({ createToken, bearer }) => {
    const { token } = await createToken("SUPERVISOR");
    const res = await (await bearer(token)).post("/api/v1/tasks", { data: { title: "", priority: "ASAP" } });
    expect(res.status()).toBe(422);
    const problem = await problemOf(res);
    expect(problem).toMatchObject({ status: 422, code: "VALIDATION_FAILED", title: "Validation failed" });
    expect(problem.type).toMatch(/^https:\/\//);
    expect(problem.errors?.map((e) => e.path)).toEqual(expect.arrayContaining(["title", "priority"]));
  });

  test("no credentials, or a bad token, is 401", async ({ anonymous, bearer }) => {
    const res = await (await anonymous()).get("/api/v1/tasks");
    expect(res.status()).toBe(401);
    expect(await problemOf(res)).toMatchObject({ status: 401, code: "UNAUTHENTICATED" });

    const bad = await (await bearer("bat_not-a-real-token-000000000000")).post("/api/v1/tasks", { data: { title: "x", candidateGroup: "accounts-payable" } });
    expect(bad.status()).toBe(401);
  });

  test("a member token cannot create tasks (403)", async ({ createToken, bearer }) => {
    const { token } = await createToken("MEMBER");
    const client = await bearer(token);
    const res = await client.post("/api/v1/tasks", { data: { title: "Not allowed", candidateGroup: "accounts-payable" } });
    expect(res.status()).toBe(403);
    expect(await problemOf(res)).toMatchObject({ code: "FORBIDDEN" });
    // It can still read.
    await expectStatus(await client.get("/api/v1/tasks?view=all&limit=1"), 200);
  });

  test("approving twice: the second answer is 409 TASK_ALREADY_DECIDED", async ({ createTask, api }) => {
    const task = await createTask({ assignee: "maya@acme.test", context: { amount: 980 } });
    const maya = await api("maya");
    const first = await maya.post(`/api/v1/tasks/${task.id}/decision`, { data: { outcome: "approve" } });
    await expectStatus(first, 200);
    expect(first.headers()["etag"]).toBe('"2"');
    expect(((await first.json()) as TaskJson).status).toBe("DECIDED");

    const second = await maya.post(`/api/v1/tasks/${task.id}/decision`, { data: { outcome: "approve" } });
    expect(second.status()).toBe(409);
    expect(await problemOf(second)).toMatchObject({ code: "TASK_ALREADY_DECIDED", decidedBy: "Maya Lindqvist" });
  });

  test("If-Match with an old version is 412 and changes nothing; the current version succeeds", async ({ createTask, api }) => {
    const task = await createTask({ candidateGroup: "accounts-payable" });
    const maya = await api("maya");
    const claim = await maya.post(`/api/v1/tasks/${task.id}/claim`, { headers: { "if-match": '"1"' } });
    await expectStatus(claim, 200);
    expect(claim.headers()["etag"]).toBe('"2"');

    const stale = await maya.post(`/api/v1/tasks/${task.id}/decision`, { data: { outcome: "approve" }, headers: { "if-match": '"1"' } });
    expect(stale.status()).toBe(412);
    expect(await problemOf(stale)).toMatchObject({ code: "VERSION_MISMATCH", currentVersion: 2 });
    const unchanged = (await (await maya.get(`/api/v1/tasks/${task.id}`)).json()) as TaskJson;
    expect(unchanged).toMatchObject({ status: "OPEN", version: 2 });

    const fresh = await maya.post(`/api/v1/tasks/${task.id}/decision`, { data: { outcome: "approve" }, headers: { "if-match": '"2"' } });
    await expectStatus(fresh, 200);
  });

  test("someone else's claim is 409 TASK_CLAIMED_BY_OTHER; an auditor may read but not decide", async ({ createTask, api }) => {
    const task = await createTask({ candidateGroup: "accounts-payable" });
    await expectStatus(await (await api("maya")).post(`/api/v1/tasks/${task.id}/claim`), 200);
    const dana = await (await api("dana")).post(`/api/v1/tasks/${task.id}/decision`, { data: { outcome: "approve" } });
    expect(dana.status()).toBe(409);
    expect(await problemOf(dana)).toMatchObject({ code: "TASK_CLAIMED_BY_OTHER", assignee: "Maya Lindqvist" });

    const ana = await api("ana");
    await expectStatus(await ana.get(`/api/v1/tasks/${task.id}`), 200);
    const denied = await ana.post(`/api/v1/tasks/${task.id}/decision`, { data: { outcome: "approve" } });
    expect(denied.status()).toBe(403);
  });

  test("Idempotency-Key: a retried create returns the first response and makes one task", async ({ createToken, bearer, trackTask }) => {
    const { token } = await createToken("ADMIN");
    const client = await bearer(token);
    const key = `e2e-${Date.now()}`;
    const data = { title: `Idempotent ${key}`, candidateGroup: "accounts-payable" };
    const first = await client.post("/api/v1/tasks", { data, headers: { "idempotency-key": key } });
    await expectStatus(first, 201);
    const created = (await first.json()) as TaskJson;
    trackTask(created.id);
    const replay = await client.post("/api/v1/tasks", { data, headers: { "idempotency-key": key } });
    await expectStatus(replay, 201);
    expect(replay.headers()["idempotent-replayed"]).toBe("true");
    expect(((await replay.json()) as TaskJson).id).toBe(created.id);

    // Search by the unique key: the demo data has more than a page of tasks in view=all.
    const all = (await (await client.get(`/api/v1/tasks?view=all&limit=100&q=${encodeURIComponent(key)}`)).json()) as { data: TaskJson[] };
    expect(all.data.filter((t) => t.title === data.title)).toHaveLength(1);
  });

  test("the task's history lists each change in order", async ({ createTask, api }) => {
    const task = await createTask({ candidateGroup: "accounts-payable" });
    const dana = await api("dana");
    await expectStatus(await dana.post(`/api/v1/tasks/${task.id}/claim`), 200);
    await expectStatus(await dana.post(`/api/v1/tasks/${task.id}/decision`, { data: { outcome: "reject", reason: "Duplicate invoice" } }), 200);
    const history = (await (await dana.get(`/api/v1/tasks/${task.id}/history`)).json()) as { data: { action: string; actorName: string }[] };
    expect(history.data.map((h) => h.action)).toEqual(["task.created", "task.routed", "task.claimed", "task.rejected"]);
    expect(history.data[3]?.actorName).toBe("Dana Lee");
  });
});
