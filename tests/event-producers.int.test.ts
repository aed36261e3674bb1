// Issue #18, the event intake's producers: a receipt is shown only to whoever posted the event;
// events kept for correlation expire; a wait step can require its event's source; and the worker
// re-checks a producer's token and grants before it starts anything from an accepted event.
import type { Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as receiptRoute } from "@/app/api/v1/events/[id]/route";
import { env } from "@/lib/env";
import { acceptEvent, getEventReceipt, receiveEvent } from "@/lib/events/service";
import type { IncomingEvent } from "@/lib/events/parse";
import { actorForToken, createApiToken, revokeApiToken } from "@/lib/identity/service";
import { createServiceAccount } from "@/lib/identity/service-accounts";
import type { Actor } from "@/lib/identity/actor";
import { getInstance } from "@/lib/engine";
import { publishDefinition } from "@/lib/processes/service";
import { appError, db, makeTeam, ownerDb, startEngineWorker, uid, waitFor, type Team } from "./helpers";

let team: Team;
beforeAll(async () => {
  team = await makeTeam();
});

function event(type: string, data: Record<string, unknown>, extra: Partial<IncomingEvent> = {}): IncomingEvent {
  return { id: `evt-${uid()}`, source: "urn:acme:erp", type, subject: null, correlationKey: null, data: data as never, ...extra };
}

async function adminToken(): Promise<{ token: string; actor: Actor }> {
  const { token } = await createApiToken(team.as.admin, { name: `producer-${uid()}`, role: "ADMIN", scopes: ["events:write"] });
  return { token, actor: (await actorForToken(token))! };
}

async function receipt(id: string, auth: { token: string }) {
  const headers = { authorization: `Bearer ${auth.token}` };
  const res = await receiptRoute(new Request(`http://localhost/api/v1/events/${id}`, { headers }), { params: Promise.resolve({ id }) });
  return res.status;
}

describe("event receipts are the producer's", () => {
  it("only the token that posted the event reads its receipt; another producer gets 404, as for an unknown id", async () => {
    const mine = await adminToken();
    const theirs = await adminToken();
    const { result } = await receiveEvent(mine.actor, event(`com.acme.nobody.${uid()}`, {}));
    expect(await receipt(result.receiptId, mine)).toBe(200);
    expect(await receipt(result.receiptId, theirs)).toBe(404);
    expect(await receipt("no-such-receipt", theirs)).toBe(404);
    const row = await db().eventReceipt.findUniqueOrThrow({ where: { id: result.receiptId } });
    expect(row).toMatchObject({ postedByType: "TOKEN", postedById: mine.actor.id, postedByPrincipalId: team.users.admin.id });
  });

  it("a person sees the receipts of events they or their tokens posted; admins see all", async () => {
    const mine = await adminToken();
    const { result } = await receiveEvent(mine.actor, event(`com.acme.nobody.${uid()}`, {}));
    expect((await getEventReceipt(team.as.admin, result.receiptId)).receiptId).toBe(result.receiptId);
    const sa = await createServiceAccount(team.as.admin, { name: `erp-${uid()}`, role: "ADMIN", mayPostEvents: ["urn:acme:erp *"] });
    const { token } = await createApiToken(team.as.admin, { name: `sa-${uid()}`, role: "ADMIN", scopes: ["events:write"], owner: sa.id });
    const saActor = (await actorForToken(token))!;
    const posted = await receiveEvent(saActor, event(`com.acme.nobody.${uid()}`, {}));
    expect(await receipt(posted.result.receiptId, { token })).toBe(200);
    expect(await receipt(result.receiptId, { token })).toBe(404);
  });

  it("a replay of another producer's (source, id) is refused without its result", async () => {
    const mine = await adminToken();
    const theirs = await adminToken();
    const ev = event(`com.acme.nobody.${uid()}`, {});
    await receiveEvent(mine.actor, ev);
    expect((await appError(receiveEvent(theirs.actor, ev))).code).toBe("CONFLICT");
    expect((await receiveEvent(mine.actor, ev)).duplicate).toBe(true);
  });
});

/** A process started by `start`, waiting for `settled` correlated by invoice number (optionally from one source only). */
async function settlement(source?: string) {
  const types = { start: `com.acme.invoice.received.${uid()}`, settled: `com.acme.payment.settled.${uid()}` };
  const key = `producers-${uid()}`;
  await publishDefinition(team.as.admin, {
    key,
    name: "Await settlement",
    startOn: [types.start],
    steps: [
      { id: "settled", kind: "wait", event: types.settled, ...(source ? { source } : {}), correlationKey: "{{invoiceNumber}}", output: { from: "source" }, next: "done" },
      { id: "done", kind: "end" },
    ],
  });
  return { key, types };
}

describe("waiting for events", () => {
  let worker: Worker;
  beforeAll(async () => {
    worker = await startEngineWorker();
  });
  afterAll(async () => {
    await worker?.close();
  });

  const instanceIn = (id: string, status: string) =>
    waitFor(`instance ${id} ${status}`, async () => {
      const i = await getInstance(team.as.admin, id);
      return i.status === status ? i : null;
    });

  it("a wait step that names its source is not satisfied by another producer's event of the type", async () => {
    const { types } = await settlement("urn:acme:bank");
    const k = `INV-${uid()}`;
    const started = await receiveEvent(team.as.admin, event(types.start, { invoiceNumber: k }));
    const id = started.result.instances![0]!.id;
    await instanceIn(id, "WAITING");
    const forged = await receiveEvent(team.as.admin, event(types.settled, {}, { source: "urn:acme:crm", correlationKey: k }));
    expect(forged.result.outcome).toBe("pending");
    expect((await getInstance(team.as.admin, id)).status).toBe("WAITING");
    const real = await receiveEvent(team.as.admin, event(types.settled, {}, { source: "urn:acme:bank", correlationKey: k }));
    expect(real.result).toMatchObject({ outcome: "correlated", instanceId: id });
    expect((await instanceIn(id, "COMPLETED")).variables).toMatchObject({ from: "urn:acme:bank" });
  });

  it("an early event from the wrong source is not delivered when the wait starts", async () => {
    const { types } = await settlement("urn:acme:bank");
    const k = `INV-${uid()}`;
    expect((await receiveEvent(team.as.admin, event(types.settled, {}, { source: "urn:acme:crm", correlationKey: k }))).result.outcome).toBe("pending");
    const started = await receiveEvent(team.as.admin, event(types.start, { invoiceNumber: k }));
    const id = started.result.instances![0]!.id;
    await instanceIn(id, "WAITING");
  });

  it("an event kept for correlation expires after EVENT_PENDING_TTL_HOURS: a wait that starts later does not take it", async () => {
    const { types } = await settlement();
    const [fresh, stale] = [`INV-${uid()}`, `INV-${uid()}`];
    await receiveEvent(team.as.admin, event(types.settled, {}, { correlationKey: fresh }));
    const old = await receiveEvent(team.as.admin, event(types.settled, {}, { correlationKey: stale }));
    const ttlMs = env().EVENT_PENDING_TTL_HOURS * 3_600_000;
    await ownerDb().eventReceipt.update({ where: { id: old.result.receiptId }, data: { receivedAt: new Date(Date.now() - ttlMs - 60_000) } });

    const a = (await receiveEvent(team.as.admin, event(types.start, { invoiceNumber: fresh }))).result.instances![0]!.id;
    const b = (await receiveEvent(team.as.admin, event(types.start, { invoiceNumber: stale }))).result.instances![0]!.id;
    await instanceIn(a, "COMPLETED");
    await instanceIn(b, "WAITING");
    expect((await db().eventReceipt.findUniqueOrThrow({ where: { id: old.result.receiptId } })).consumedAt).toBeNull();
  });
});

describe("the worker re-checks an accepted event's producer before it starts anything", () => {
  /** Accepts an event (Prefer: respond-async's path) while no worker runs; the job waits in Redis. */
  async function acceptedBy(grants: { processes: string[] }, types: { start: string }) {
    const sa = await createServiceAccount(team.as.admin, { name: `erp-${uid()}`, role: "ADMIN", mayPostEvents: [`urn:acme:erp ${types.start}`], mayStartProcesses: grants.processes });
    const { token, id: tokenId } = await createApiToken(team.as.admin, { name: `sa-${uid()}`, role: "ADMIN", scopes: ["events:write"], owner: sa.id });
    const actor = (await actorForToken(token))!;
    const accepted = await acceptEvent(actor, event(types.start, { invoiceNumber: `INV-${uid()}` }));
    return { sa, tokenId, receiptId: accepted.receiptId };
  }

  async function processedByWorker(receiptId: string) {
    const worker = await startEngineWorker();
    try {
      return await waitFor("the worker processes the event", async () => {
        const r = await db().eventReceipt.findUniqueOrThrow({ where: { id: receiptId } });
        return r.result ? (r.result as { outcome: string; reason?: string }) : null;
      });
    } finally {
      await worker.close();
    }
  }

  it("a token revoked after its event was accepted: rejected with the reason, audited, nothing started", async () => {
    const { key, types } = await settlement();
    const { tokenId, receiptId } = await acceptedBy({ processes: [key] }, types);
    await revokeApiToken(team.as.admin, tokenId);
    const result = await processedByWorker(receiptId);
    expect(result).toMatchObject({ outcome: "rejected", reason: expect.stringMatching(/revoked/) });
    expect(await db().processInstance.count({ where: { definition: { key } } })).toBe(0);
    const entry = await db().auditEntry.findFirstOrThrow({ where: { action: "event.rejected", subjectId: receiptId } });
    expect(entry.reason).toMatch(/revoked/);
  });

  it("a service account deactivated, or its process grant withdrawn, meanwhile: rejected", async () => {
    const { key, types } = await settlement();
    const deactivated = await acceptedBy({ processes: [key] }, types);
    await db().user.update({ where: { id: deactivated.sa.id }, data: { active: false } });
    expect(await processedByWorker(deactivated.receiptId)).toMatchObject({ outcome: "rejected" });

    const withdrawn = await acceptedBy({ processes: [key] }, types);
    await db().user.update({ where: { id: withdrawn.sa.id }, data: { mayStartProcesses: [] } });
    expect(await processedByWorker(withdrawn.receiptId)).toMatchObject({ outcome: "rejected", reason: expect.stringContaining(key) });
    expect(await db().processInstance.count({ where: { definition: { key } } })).toBe(0);
  });

  it("a producer still allowed: started as before", async () => {
    const { key, types } = await settlement();
    const { receiptId } = await acceptedBy({ processes: [key] }, types);
    expect(await processedByWorker(receiptId)).toMatchObject({ outcome: "started" });
    expect(await db().processInstance.count({ where: { definition: { key } } })).toBe(1);
  });
});
