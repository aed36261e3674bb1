// Retention (security review L5): the worker's prune-retention job deletes old event receipts,
// idempotency keys, webhook deliveries, notifications and signed-out sessions in batches, keeps
// recent ones and those still in use, and never touches an audit entry.
import { describe, expect, it } from "vitest";
import { env } from "@/lib/env";
import { QUEUES } from "@/lib/queues";
import { processMaintenanceJob } from "@/workers/processors/maintenance";
import { createUser } from "@/prisma/factories";
import { db, uid } from "./helpers";

const DAY = 86_400_000;
const ago = (ms: number) => new Date(Date.now() - ms);

/** One old and one recent row of every kind, plus old rows that must stay (still in use). */
async function seed() {
  const e = env();
  const person = await createUser(db(), { name: "Ana" });
  const endpoint = await db().webhookEndpoint.create({ data: { url: "https://example.test/hook", secret: "s", secretFingerprint: "0123456789abcdef", createdByName: "retention test" } });
  const old = { receipt: ago((e.RETENTION_EVENT_RECEIPT_DAYS + 1) * DAY), idem: ago((e.RETENTION_IDEMPOTENCY_HOURS + 1) * 3_600_000), hook: ago((e.RETENTION_WEBHOOK_DELIVERY_DAYS + 1) * DAY), note: ago((e.RETENTION_NOTIFICATION_DAYS + 1) * DAY) };
  const recent = ago(60_000);
  const id = () => `ret-${uid()}`;
  const rows = {
    oldReceipt: id(),
    newReceipt: id(),
    expiredPending: id(),
    freshPending: id(),
    oldDelivery: id(),
    pendingDelivery: id(),
    newDelivery: id(),
    oldNote: id(),
    mailingNote: id(),
    newNote: id(),
    oldIdem: id(),
    leasedIdem: id(),
    newIdem: id(),
    oldSession: id(),
    liveSession: id(),
  };
  const receipt = (rid: string, receivedAt: Date, result: object | null = { outcome: "ignored" }) =>
    db().eventReceipt.create({ data: { id: rid, source: "urn:test", eventId: rid, type: "t", receivedAt, result: result ?? undefined, correlationKey: "k" } });
  await receipt(rows.oldReceipt, old.receipt);
  await receipt(rows.newReceipt, recent);
  await receipt(rows.expiredPending, ago((e.EVENT_PENDING_TTL_HOURS + 1) * 3_600_000), { outcome: "pending" });
  await receipt(rows.freshPending, ago((e.EVENT_PENDING_TTL_HOURS - 1) * 3_600_000), { outcome: "pending" });
  const delivery = (did: string, createdAt: Date, status: "SUCCEEDED" | "PENDING") => db().webhookDelivery.create({ data: { id: did, endpointId: endpoint.id, eventId: did, eventType: "t", payload: {}, status, createdAt } });
  await delivery(rows.oldDelivery, old.hook, "SUCCEEDED");
  await delivery(rows.pendingDelivery, old.hook, "PENDING");
  await delivery(rows.newDelivery, recent, "SUCCEEDED");
  const note = (nid: string, createdAt: Date, emailStatus: string | null) => db().notification.create({ data: { id: nid, userId: person.id, dedupeKey: nid, kind: "k", title: "t", createdAt, emailStatus } });
  await note(rows.oldNote, old.note, "SENT");
  await note(rows.mailingNote, old.note, "PENDING");
  await note(rows.newNote, recent, null);
  const idem = (key: string, createdAt: Date, leaseUntil: Date | null) => db().idempotencyRecord.create({ data: { key, scope: "retention-test", requestHash: "h", status: 200, body: {}, createdAt, leaseUntil } });
  await idem(rows.oldIdem, old.idem, null);
  await idem(rows.leasedIdem, old.idem, new Date(Date.now() + 60_000));
  await idem(rows.newIdem, recent, null);
  await db().revokedSession.create({ data: { id: rows.oldSession, userId: person.id, expiresAt: ago(1000) } });
  await db().revokedSession.create({ data: { id: rows.liveSession, userId: person.id, expiresAt: new Date(Date.now() + 3_600_000) } });
  return rows;
}

async function present(rows: Awaited<ReturnType<typeof seed>>) {
  const ids = Object.values(rows);
  const found = new Set<string>([
    ...(await db().eventReceipt.findMany({ where: { id: { in: ids } }, select: { id: true } })).map((r) => r.id),
    ...(await db().webhookDelivery.findMany({ where: { id: { in: ids } }, select: { id: true } })).map((r) => r.id),
    ...(await db().notification.findMany({ where: { id: { in: ids } }, select: { id: true } })).map((r) => r.id),
    ...(await db().idempotencyRecord.findMany({ where: { key: { in: ids } }, select: { key: true } })).map((r) => r.key),
    ...(await db().revokedSession.findMany({ where: { id: { in: ids } }, select: { id: true } })).map((r) => r.id),
  ]);
  return Object.fromEntries(Object.entries(rows).map(([name, rid]) => [name, found.has(rid)]));
}

describe("retention", () => {
  it("the prune-retention job removes rows past their age and keeps recent ones, those in use, and every audit entry", async () => {
    const rows = await seed();
    const auditBefore = await db().auditEntry.count();
    // The job as the worker's maintenance queue runs it.
    const result = (await processMaintenanceJob({ name: "prune-retention", data: {}, id: "retention-test" } as never)) as { pruned: Record<string, number> };
    expect(result.pruned.eventReceipts).toBeGreaterThanOrEqual(1);
    expect(await present(rows)).toEqual({
      oldReceipt: false,
      newReceipt: true,
      expiredPending: false,
      freshPending: true,
      oldDelivery: false,
      pendingDelivery: true,
      newDelivery: true,
      oldNote: false,
      mailingNote: true,
      newNote: true,
      oldIdem: false,
      leasedIdem: true,
      newIdem: true,
      oldSession: false,
      liveSession: true,
    });
    expect(await db().auditEntry.count()).toBeGreaterThanOrEqual(auditBefore);
  });

  it("deletes in batches: a backlog larger than one batch is cleared over several statements", async () => {
    const { pruneExpiredRows } = await import("@/lib/retention/service");
    const old = ago((env().RETENTION_EVENT_RECEIPT_DAYS + 2) * DAY);
    const ids = Array.from({ length: 25 }, () => `bulk-${uid()}`);
    await db().eventReceipt.createMany({ data: ids.map((id) => ({ id, source: "urn:bulk", eventId: id, type: "t", receivedAt: old })) });
    // Two batches of 10 in this run (maxBatches 2): 5 stay for the next run.
    const first = await pruneExpiredRows({ batch: 10, maxBatches: 2 });
    expect(first.eventReceipts).toBe(20);
    expect(await db().eventReceipt.count({ where: { id: { in: ids } } })).toBe(5);
    await pruneExpiredRows({ batch: 10 });
    expect(await db().eventReceipt.count({ where: { id: { in: ids } } })).toBe(0);
  });

  it("is one of the worker's schedules", async () => {
    const { scheduleTable } = await import("@/workers/schedules");
    const s = scheduleTable(env()).find((x) => x.name === "prune-retention");
    expect(s).toMatchObject({ queue: QUEUES.maintenance, everyMs: env().RETENTION_SWEEP_MS, enabled: true, runAtStart: true });
  });
});
