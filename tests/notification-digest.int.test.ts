// The daily digest (issue #22, ADR 045): a person who chose it gets, once a day from 07:00 their
// time, one e-mail listing their unread notifications — through the ordinary delivery and SMTP
// path (a real SMTP server on loopback) — and nothing when nothing is unread or they did not choose it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSmtpServer } from "@/e2e/helpers/smtp";
import { createUser, userActor } from "@/prisma/factories";
import { appError, db, uid, waitFor } from "./helpers";

const smtp = await startSmtpServer();
const saved = { SMTP_URL: process.env.SMTP_URL, AUTH_URL: process.env.AUTH_URL };
Object.assign(process.env, { SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, AUTH_URL: "https://baton.example.test" });

const { deliverNotifications } = await import("@/lib/notifications/deliver");
const { sendDailyDigests, digestContent, localDayAndHour } = await import("@/lib/notifications/digest");
const { getPreferences, updatePreferences } = await import("@/lib/notifications/preferences");
const { sendNotificationEmail } = await import("@/lib/notifications/email");

afterAll(async () => {
  await smtp.close();
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

/** A person in a time zone of their own choosing, with `n` unread bell notifications. */
async function person(timeZone: string, unread: number) {
  const user = await createUser(db(), { name: `Digest ${uid()}` });
  await db().user.update({ where: { id: user.id }, data: { timeZone } });
  await deliverNotifications(
    Array.from({ length: unread }, (_, i) => ({ userId: user.id, kind: "task.queued", dedupeKey: `digest-it:${user.id}:${i}`, title: `TSK-${900 + i} is waiting in Accounts payable` })),
  );
  return { user, actor: userActor(user) };
}

const digests = (userId: string) => db().notification.findMany({ where: { userId, kind: "digest.daily" } });

describe("the daily digest", () => {
  let berlin: Awaited<ReturnType<typeof person>>;
  beforeAll(async () => {
    berlin = await person("Europe/Berlin", 3);
  });

  it("is a choice in the notification settings, e-mail only, off by default", async () => {
    const prefs = await getPreferences(berlin.actor);
    expect(prefs.kinds.find((k) => k.kind === "digest.daily")).toMatchObject({ label: "Daily digest", channels: { IN_APP: false, EMAIL: false }, offered: { IN_APP: false, EMAIL: true } });
    expect((await appError(updatePreferences(berlin.actor, { preferences: [{ kind: "digest.daily", channel: "IN_APP", enabled: true }] }))).code).toBe("VALIDATION_FAILED");
    // Not chosen: nothing is sent.
    await sendDailyDigests(new Date("2026-12-07T08:30:00Z"));
    expect(await digests(berlin.user.id)).toEqual([]);
  });

  it("sends one e-mail a day from 07:00 local time, listing the unread notifications, through SMTP", async () => {
    await updatePreferences(berlin.actor, { preferences: [{ kind: "digest.daily", channel: "EMAIL", enabled: true }] });
    const quiet = await person("UTC", 0);
    await updatePreferences(quiet.actor, { preferences: [{ kind: "digest.daily", channel: "EMAIL", enabled: true }] });
    const now = new Date();
    const { hour } = localDayAndHour(now, "Europe/Berlin");
    // Before 07:00 in Berlin: not yet. (The test picks instants around the real clock: unread means "in the last day".)
    const before7 = new Date(now.getTime() - (hour - 6) * 3_600_000);
    expect(localDayAndHour(before7, "Europe/Berlin").hour).toBe(6);
    await sendDailyDigests(before7);
    expect(await digests(berlin.user.id)).toEqual([]);

    const after7 = new Date(now.getTime() - (hour - 7) * 3_600_000 + 60_000);
    await sendDailyDigests(after7);
    await sendDailyDigests(new Date(after7.getTime() + 15 * 60_000));
    const [digest, ...more] = await digests(berlin.user.id);
    expect(more).toEqual([]);
    expect(digest).toMatchObject({ title: "3 unread notifications in Baton", inApp: false, emailStatus: "PENDING", taskId: null });
    expect(digest!.body).toContain("• TSK-900 is waiting in Accounts payable");
    // Nothing unread: no digest.
    expect(await digests(quiet.user.id)).toEqual([]);

    expect(await sendNotificationEmail(digest!.id, { final: true })).toBe("sent");
    const mail = await waitFor("the digest e-mail", async () => smtp.received.find((m) => m.to.includes(berlin.user.email)));
    expect(mail.headers["subject"]).toBe("3 unread notifications in Baton");
    expect(mail.headers["x-baton-notification-kind"]).toBe("digest.daily");
    expect(mail.text).toContain("TSK-902 is waiting in Accounts payable");
    expect(mail.text).toContain("You received this because you chose the daily digest.");
  });

  it("lists twenty and counts the rest", () => {
    const { title, body } = digestContent(Array.from({ length: 23 }, (_, i) => ({ title: `n${i}` })));
    expect(title).toBe("23 unread notifications in Baton");
    expect(body.split("\n")).toHaveLength(21);
    expect(body).toMatch(/… and 3 more$/);
  });
});
