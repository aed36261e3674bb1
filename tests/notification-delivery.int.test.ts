// Notification delivery end to end inside one process: preferences pick the channels, e-mail goes
// through a real SMTP server on loopback (smtp-server) and is read back, and signed webhooks go to
// a local HTTP server that verifies the Standard Webhooks signature and fails the first attempt.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Worker, type Job } from "bullmq";
import { Webhook } from "standardwebhooks";
import { addHours, subHours } from "date-fns";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSmtpServer } from "@/e2e/helpers/smtp";
import { createUser } from "@/prisma/factories";
import { appError, db, groupTask, makeTeam, uid, waitFor, type Team } from "./helpers";

// The worker's settings for this file (restored afterwards): SMTP on loopback, a public URL for
// links, and webhook retries 100 ms apart.
const smtp = await startSmtpServer();
const saved = { SMTP_URL: process.env.SMTP_URL, AUTH_URL: process.env.AUTH_URL, MAIL_FROM: process.env.MAIL_FROM, WEBHOOK_RETRY_BASE_MS: process.env.WEBHOOK_RETRY_BASE_MS };
Object.assign(process.env, { SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, AUTH_URL: "https://baton.example.test", MAIL_FROM: "Baton <baton@example.test>", WEBHOOK_RETRY_BASE_MS: "100" });

const { env } = await import("@/lib/env");
const { dispatchOutbox } = await import("@/lib/db");
const { queue, QUEUES } = await import("@/lib/queues");
const { createRedis } = await import("@/lib/redis");
const { createTask } = await import("@/lib/tasks");
const { reassignTask } = await import("@/lib/tasks");
const { listNotifications } = await import("@/lib/notifications/service");
const { getPreferences, updatePreferences } = await import("@/lib/notifications/preferences");
const { sendNotificationEmail } = await import("@/lib/notifications/email");
const { createWebhook, deleteWebhook, endpointsSubscribedTo, listDeliveries, redeliver, updateWebhook } = await import("@/lib/webhooks/service");
const { processNotificationJob } = await import("@/workers/processors/notifications");
const { processEmailJob, processWebhookJob } = await import("@/workers/processors/delivery");

let team: Team;
beforeAll(async () => {
  team = await makeTeam();
});
afterAll(async () => {
  await smtp.close();
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

/** Dispatches until the outbox message is a job in its queue, and returns the job. */
async function job(queueName: (typeof QUEUES)[keyof typeof QUEUES], jobId: string): Promise<Job> {
  return waitFor(`job ${jobId}`, async () => {
    await dispatchOutbox();
    return (await queue(queueName).getJob(jobId)) ?? null;
  });
}

/** Runs the notification job a task's creation or reassignment put in the outbox. */
async function notify(jobId: string) {
  return processNotificationJob(await job(QUEUES.notifications, jobId));
}

describe("e-mail", () => {
  it("sends the assignee a plain-text + HTML e-mail with the task, the reason, the due time and a link", async () => {
    const dueAt = addHours(new Date(), 5);
    const task = await createTask(team.as.supervisor, { title: `Approve invoice INV-${uid()} from Northwind`, assignee: team.users.alice.id, dueAt: dueAt.toISOString() });
    expect(await notify(`task-created.${task.id}`)).toMatchObject({ notified: 1 });
    const note = await db().notification.findFirstOrThrow({ where: { taskId: task.id, userId: team.users.alice.id } });
    expect(note).toMatchObject({ kind: "task.assigned", inApp: true, emailStatus: "PENDING" });

    const emailJob = await job(QUEUES.email, `email.${note.id}`);
    expect(await processEmailJob(emailJob)).toEqual({ outcome: "sent" });
    const mail = smtp.received.find((m) => m.to.includes(team.users.alice.email));
    expect(mail, "the SMTP server received the e-mail").toBeDefined();
    expect(mail!.from).toBe("baton@example.test");
    expect(mail!.headers.subject).toContain(`${task.reference} assigned to you`);
    expect(mail!.headers["content-type"]).toMatch(/multipart\/alternative/);
    const link = `https://baton.example.test/tasks/${task.id}`;
    for (const part of [mail!.text, mail!.html]) {
      expect(part).toContain(task.title);
      expect(part).toContain(link);
      expect(part).toContain("You received this because the task was assigned to you.");
      expect(part).toContain(String(dueAt.getUTCFullYear()));
    }
    expect(mail!.text).toMatch(/^Due: .+\(UTC\)$/m);
    expect(mail!.html).toMatch(/<a href="https:\/\/baton\.example\.test\/tasks\//);
    expect(await db().notification.findUniqueOrThrow({ where: { id: note.id } })).toMatchObject({ emailStatus: "SENT", emailAttempts: 1 });

    // A duplicate job sends nothing more.
    const count = smtp.received.length;
    expect(await processEmailJob(emailJob)).toEqual({ outcome: "skipped" });
    expect(smtp.received).toHaveLength(count);
  });

  it("follows each person's preferences per kind and channel", async () => {
    await updatePreferences(team.as.bob, { preferences: [{ kind: "task.assigned", channel: "EMAIL", enabled: false }] });
    await updatePreferences(team.as.carol, { preferences: [{ kind: "task.assigned", channel: "IN_APP", enabled: false }] });
    const prefs = await getPreferences(team.as.bob);
    expect(prefs.email).toEqual({ available: true, address: team.users.bob.email });
    expect(prefs.kinds.find((k) => k.kind === "task.assigned")?.channels).toEqual({ IN_APP: true, EMAIL: false });
    // The defaults: queue arrivals in the bell only.
    expect(prefs.kinds.find((k) => k.kind === "task.queued")?.channels).toEqual({ IN_APP: true, EMAIL: false });

    const forBob = await createTask(team.as.supervisor, { title: `Bob ${uid()}`, assignee: team.users.bob.id });
    const forCarol = await createTask(team.as.supervisor, { title: `Carol ${uid()}`, assignee: team.users.carol.id });
    await notify(`task-created.${forBob.id}`);
    await notify(`task-created.${forCarol.id}`);
    const bobNote = await db().notification.findFirstOrThrow({ where: { taskId: forBob.id } });
    expect(bobNote).toMatchObject({ inApp: true, emailStatus: null });
    expect(await db().outboxMessage.count({ where: { jobId: `email.${bobNote.id}` } })).toBe(0);
    const carolNote = await db().notification.findFirstOrThrow({ where: { taskId: forCarol.id } });
    expect(carolNote).toMatchObject({ inApp: false, emailStatus: "PENDING" });
    // Not in Carol's bell, not counted as unread.
    const bell = await listNotifications(team.as.carol);
    expect(bell.data.some((n) => n.id === carolNote.id)).toBe(false);

    // Bad input changes nothing.
    expect((await appError(updatePreferences(team.as.bob, { preferences: [{ kind: "task.nope", channel: "EMAIL", enabled: true }] }))).code).toBe("VALIDATION_FAILED");
    expect((await appError(updatePreferences(team.as.bob, { preferences: [] }))).code).toBe("VALIDATION_FAILED");
  });

  it("keeps retrying a refused e-mail and records the failure on the last attempt", async () => {
    const refused = await createUser(db(), { email: `reject-${uid()}@test.local`, name: "Refused" });
    const task = await createTask(team.as.admin, { title: `Refused ${uid()}`, assignee: refused.id, dueAt: subHours(new Date(), 1).toISOString() });
    await notify(`task-created.${task.id}`);
    const note = await db().notification.findFirstOrThrow({ where: { taskId: task.id } });
    await expect(sendNotificationEmail(note.id, { final: false })).rejects.toThrow(/550|mailbox/i);
    expect(await db().notification.findUniqueOrThrow({ where: { id: note.id } })).toMatchObject({ emailStatus: "PENDING", emailAttempts: 1 });
    await expect(sendNotificationEmail(note.id, { final: true })).rejects.toThrow();
    const failed = await db().notification.findUniqueOrThrow({ where: { id: note.id } });
    expect(failed).toMatchObject({ emailStatus: "FAILED", emailAttempts: 2 });
    expect(failed.emailError).toMatch(/550|mailbox/i);
  });
});

describe("signed webhooks", () => {
  const requests: { headers: http.IncomingHttpHeaders; body: string; answered: number }[] = [];
  let server: http.Server;
  let url: string;
  let worker: Worker | undefined;

  beforeAll(async () => {
    // Fails the first request of each event with a 500, then accepts (after checking the signature).
    server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString("utf8")));
      req.on("end", () => {
        const seenBefore = requests.some((r) => r.headers["webhook-id"] === req.headers["webhook-id"]);
        const answered = seenBefore ? 204 : 500;
        requests.push({ headers: req.headers, body, answered });
        res.writeHead(answered).end(answered === 500 ? "temporarily unavailable" : undefined);
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/baton-hooks`;
    const connection = createRedis({ forWorker: true });
    worker = new Worker(QUEUES.webhooks, processWebhookJob, { connection, prefix: env().REDIS_PREFIX, concurrency: 2 });
    worker.on("error", () => undefined);
    worker.on("closed", () => void connection.quit().catch(() => undefined));
  });
  afterAll(async () => {
    await worker?.close();
    await new Promise((r) => server.close(r));
  });

  it("delivers a reassignment signed per Standard Webhooks, retrying after a 500 with the same webhook-id", async () => {
    const endpoint = await createWebhook(team.as.admin, { url, description: "ERP", eventTypes: ["task.reassigned"] });
    expect(endpoint.secret).toMatch(/^whsec_/);
    try {
      const task = await groupTask(team);
      await reassignTask(team.as.supervisor, task.id, { assignee: team.users.bob.id, reason: "Cover for Alice" });
      expect(await notify(`task-reassigned.${task.id}.2`)).toMatchObject({ webhooks: 1 });

      const delivery = await waitFor(
        "the delivery to succeed",
        async () => (await db().webhookDelivery.findFirst({ where: { endpointId: endpoint.id, status: "SUCCEEDED" } })) ?? null,
        20_000,
      );
      expect(delivery.attempts).toBe(2);
      expect((delivery.attemptLog as { status: number }[]).map((a) => a.status)).toEqual([500, 204]);

      const mine = requests.filter((r) => r.headers["webhook-id"] === delivery.eventId);
      expect(mine.map((r) => r.answered)).toEqual([500, 204]);
      const verifier = new Webhook(endpoint.secret);
      for (const r of mine) {
        const payload = verifier.verify(r.body, r.headers as Record<string, string>) as { type: string; data: Record<string, unknown> };
        expect(payload.type).toBe("task.reassigned");
        expect(payload.data).toMatchObject({ taskId: task.id, reference: task.reference, assignee: { id: team.users.bob.id }, url: `https://baton.example.test/tasks/${task.id}` });
      }
      // Another secret does not verify.
      expect(() => new Webhook(`whsec_${Buffer.from("not the secret").toString("base64")}`).verify(mine[0]!.body, mine[0]!.headers as Record<string, string>)).toThrow();

      // The delivery log an admin sees.
      const log = await listDeliveries(team.as.admin, endpoint.id, {});
      expect(log.data[0]).toMatchObject({ eventType: "task.reassigned", status: "SUCCEEDED", attempts: 2, lastStatusCode: 204 });
      expect(log.data[0]?.attemptLog[0]).toMatchObject({ n: 1, status: 500, error: expect.stringContaining("HTTP 500") });
      expect((await appError(listDeliveries(team.as.supervisor, endpoint.id, {}))).code).toBe("FORBIDDEN");

      // The same event again (a re-run job) creates no second delivery.
      expect(await notify(`task-reassigned.${task.id}.2`)).toMatchObject({ webhooks: 0 });
    } finally {
      await updateWebhook(team.as.admin, endpoint.id, { active: false });
    }
  });

  it("an escalation that fires is a task.escalated event, with its level and action", async () => {
    const endpoint = await createWebhook(team.as.admin, { url, eventTypes: ["task.escalated"] });
    try {
      const task = await groupTask(team);
      // What lib/sla records when a level fires (the timer itself is tested in escalation.int.test.ts).
      await db().task.update({ where: { id: task.id }, data: { assigneeId: team.users.supervisor.id, escalationLevel: 1, escalatedAt: new Date() } });
      await db().taskEscalation.create({
        data: { taskId: task.id, level: 1, action: "supervisor", scheduledAt: new Date(), latenessMs: 12, firedBy: "timer", toAssigneeId: team.users.supervisor.id, note: "Escalated to Supervisor" },
      });
      const fake = { name: "task-escalated", id: `task-escalated.${task.id}.1`, timestamp: Date.now(), data: { taskId: task.id, level: 1 } } as unknown as Job;
      expect(await processNotificationJob(fake)).toMatchObject({ notified: 1, webhooks: 1 });
      const delivery = await waitFor("the escalation delivery", async () => db().webhookDelivery.findFirst({ where: { endpointId: endpoint.id, status: "SUCCEEDED" } }), 20_000);
      const body = requests.find((r) => r.headers["webhook-id"] === delivery.eventId && r.answered === 204)!.body;
      const payload = new Webhook(endpoint.secret).verify(body, requests.find((r) => r.body === body)!.headers as Record<string, string>) as { type: string; data: Record<string, unknown> };
      expect(payload).toMatchObject({ type: "task.escalated", data: { taskId: task.id, escalationLevel: 1, escalation: { level: 1, action: "supervisor" }, assignee: { id: team.users.supervisor.id } } });
      // The supervisor's notification went through their channels (in-app and e-mail by default).
      expect(await db().notification.findFirst({ where: { taskId: task.id, userId: team.users.supervisor.id, kind: "task.escalated" } })).toMatchObject({ inApp: true, emailStatus: "PENDING" });
    } finally {
      await updateWebhook(team.as.admin, endpoint.id, { active: false });
    }
  });

  it("gives up after the last attempt and records why", async () => {
    const dead = await createWebhook(team.as.admin, { url: "http://127.0.0.1:9/nobody-listens", eventTypes: ["task.reassigned"] });
    try {
      const task = await groupTask(team);
      await reassignTask(team.as.supervisor, task.id, { assignee: team.users.carol.id, reason: "Rebalance" });
      await notify(`task-reassigned.${task.id}.2`);
      const d = await waitFor("the delivery", async () => db().webhookDelivery.findFirst({ where: { endpointId: dead.id } }));
      const { deliverWebhook } = await import("@/lib/webhooks/deliver");
      // Run it as the last attempt (the worker may be trying it too: whichever is last records it).
      await deliverWebhook(d.id, { final: true }).catch(() => undefined);
      const after = await db().webhookDelivery.findUniqueOrThrow({ where: { id: d.id } });
      expect(after.status).toBe("FAILED");
      expect(after.lastError).toMatch(/ECONNREFUSED|fetch failed|connect/i);
      // An admin can send it again: same event, fresh attempts; only once it failed.
      const again = await redeliver(team.as.admin, dead.id, d.id);
      expect(again).toMatchObject({ status: "PENDING", eventId: d.eventId });
      expect((await appError(redeliver(team.as.admin, dead.id, d.id))).code).toBe("CONFLICT");
      expect(await db().outboxMessage.count({ where: { jobId: `webhook.${d.id}.r${after.attempts}` } })).toBe(1);
    } finally {
      await updateWebhook(team.as.admin, dead.id, { active: false });
    }
  });

  it("sees this process's endpoint edits at once, and another process's within a second (ADR 056)", async () => {
    const ids = async () => (await endpointsSubscribedTo("task.decided")).map((e) => e.id);
    const mine = await createWebhook(team.as.admin, { url: "http://127.0.0.1:9/mine", eventTypes: ["task.decided"] });
    expect(await ids()).toContain(mine.id);
    await updateWebhook(team.as.admin, mine.id, { eventTypes: ["task.created"] });
    expect(await ids()).not.toContain(mine.id);
    expect((await endpointsSubscribedTo("task.created")).map((e) => e.id)).toContain(mine.id);
    await deleteWebhook(team.as.admin, mine.id);
    expect((await endpointsSubscribedTo("task.created")).map((e) => e.id)).not.toContain(mine.id);

    // Written by another process (here: straight into the table): seen once the cached answer is a second old.
    const theirs = `wh-${uid()}`;
    await db().$executeRaw`INSERT INTO "WebhookEndpoint" ("id", "url", "secret", "secretFingerprint", "eventTypes", "createdByName", "updatedAt")
                           VALUES (${theirs}, 'http://127.0.0.1:9/theirs', 's', '0123456789abcdef', ARRAY['task.decided'], 'another process', now())`;
    await waitFor("the other process's endpoint", async () => ((await ids()).includes(theirs) ? true : null), 3000);
    await db().$executeRaw`UPDATE "WebhookEndpoint" SET "active" = false WHERE "id" = ${theirs}`;
    await waitFor("the other process's deactivation", async () => ((await ids()).includes(theirs) ? null : true), 3000);
  });
});
