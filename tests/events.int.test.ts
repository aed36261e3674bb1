// CloudEvents intake: starts, idempotency (sequential and concurrent), correlation to waiting
// instances (also when the event arrives first), wait timeouts, and the HTTP route with a token.
import { CloudEvent, HTTP } from "cloudevents";
import { Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as eventsRoute } from "@/app/api/v1/events/route";
import { getInstance } from "@/lib/engine";
import { GET as receiptRoute } from "@/app/api/v1/events/[id]/route";
import { acceptEvent, processEventReceiptIn, receiveEvent } from "@/lib/events/service";
import { recoverEngineJobs } from "@/lib/engine/recovery";
import type { IncomingEvent } from "@/lib/events/parse";
import { deprecateVersion, publishDefinition } from "@/lib/processes/service";
import { setVersionSplit } from "@/lib/processes/split";
import { startEngineWorker, waitFor, db, makeTeam, tokenFor, uid, type Team } from "./helpers";

let team: Team;
let worker: Worker;
beforeAll(async () => {
  team = await makeTeam();
  worker = await startEngineWorker();
});
afterAll(async () => {
  await worker?.close();
});

const instanceIn = (id: string, ...statuses: string[]) =>
  waitFor(`instance ${id} in ${statuses.join("/")}`, async () => {
    const i = await getInstance(team.as.admin, id);
    return statuses.includes(i.status) ? i : null;
  });

function event(type: string, data: Record<string, unknown>, extra: Partial<IncomingEvent> = {}): IncomingEvent {
  return { id: `evt-${uid()}`, source: "urn:acme:erp", type, subject: null, correlationKey: null, data: data as never, ...extra };
}

/** invoice received → wait for payment settled (correlated by invoice number) → end. */
async function settlementProcess(opts: { timeout?: string } = {}) {
  const types = { start: `com.acme.invoice.received.${uid()}`, settled: `com.acme.payment.settled.${uid()}` };
  const key = `ev-${uid()}`;
  await publishDefinition(team.as.admin, {
    key,
    name: "Await settlement",
    startOn: [types.start],
    steps: [
      {
        id: "settled",
        kind: "wait",
        event: types.settled,
        correlationKey: "{{invoiceNumber}}",
        output: { paidAt: "data.paidAt", paymentId: "id" },
        next: "done",
        ...(opts.timeout ? { timeout: opts.timeout, onTimeout: "chase" } : {}),
      },
      // Reachable only through the timeout (validation rejects unreachable steps).
      ...(opts.timeout ? [{ id: "chase", kind: "set", assign: { chased: true }, next: "done" }] : []),
      { id: "done", kind: "end" },
    ],
  });
  return { key, types };
}

describe("events that start processes", () => {
  it("a matching startOn starts an instance with the event data as variables, audited", async () => {
    const { key, types } = await settlementProcess();
    const ev = event(types.start, { invoiceNumber: "INV-10", amount: 4200 }, { subject: "INV-10", correlationKey: "INV-10" });
    const { duplicate, result } = await receiveEvent(team.as.admin, ev);
    expect(duplicate).toBe(false);
    expect(result.outcome).toBe("started");
    expect(result.instances).toEqual([{ id: expect.any(String), process: key, version: 1 }]);
    const inst = await instanceIn(result.instances![0]!.id, "WAITING");
    expect(inst.variables).toEqual({ invoiceNumber: "INV-10", amount: 4200 });
    expect(inst.businessKey).toBe("INV-10");
    const receipt = await db().eventReceipt.findUniqueOrThrow({ where: { source_eventId: { source: ev.source, eventId: ev.id } } });
    expect(receipt.consumedAt).not.toBeNull();
    const received = await db().auditEntry.findFirstOrThrow({ where: { action: "event.received", subjectId: receipt.id } });
    expect(received).toMatchObject({ actorName: team.as.admin.name, after: { type: types.start, id: ev.id, source: ev.source } });
    const processed = await db().auditEntry.findFirstOrThrow({ where: { action: "event.processed", subjectId: receipt.id } });
    expect(processed).toMatchObject({ actorName: team.as.admin.name, instanceId: result.instances![0]!.id, after: { outcome: "started" } });
  });

  it("the same event twice starts one instance; the second answers with the first result", async () => {
    const { key, types } = await settlementProcess();
    const ev = event(types.start, { invoiceNumber: `INV-${uid()}` });
    const first = await receiveEvent(team.as.admin, ev);
    const second = await receiveEvent(team.as.admin, { ...ev, data: { tampered: true } as never });
    expect(second).toEqual({ duplicate: true, result: first.result });
    expect(await db().processInstance.count({ where: { definition: { key } } })).toBe(1);
  });

  it("the same event eight times concurrently starts one instance; every answer is the same", async () => {
    const { key, types } = await settlementProcess();
    const ev = event(types.start, { invoiceNumber: `INV-${uid()}` });
    const answers = await Promise.all(Array.from({ length: 8 }, () => receiveEvent(team.as.admin, ev)));
    expect(answers.filter((a) => !a.duplicate)).toHaveLength(1);
    for (const a of answers) expect(a.result).toEqual(answers[0]!.result);
    expect(await db().processInstance.count({ where: { definition: { key } } })).toBe(1);
    expect(await db().eventReceipt.count({ where: { source: ev.source, eventId: ev.id } })).toBe(1);
  });

  it("one accepted event taken up by six workers at once starts one instance, records one result and one audit entry (ADR 056)", async () => {
    const { key, types } = await settlementProcess();
    const ev = event(types.start, { invoiceNumber: `INV-${uid()}` });
    const accepted = await acceptEvent(team.as.admin, ev);
    const runs = await Promise.all(Array.from({ length: 6 }, () => processEventReceiptIn(accepted.receiptId, team.as.admin, { inline: true })));
    const results = runs.map((r) => r.result);
    for (const r of results) expect(r).toEqual(results[0]);
    expect(results[0]).toMatchObject({ outcome: "started" });
    // Only the run that started it carries the first step runs to work.
    expect(runs.filter((r) => r.firstStepRuns.length > 0)).toHaveLength(1);
    expect(await db().processInstance.count({ where: { definition: { key } } })).toBe(1);
    expect(await db().auditEntry.count({ where: { subjectType: "event", subjectId: accepted.receiptId, action: "event.processed" } })).toBe(1);
  });

  it("with an A/B split, events start both versions (one pick per event) and a deprecated version is never started", async () => {
    const { key, types } = await settlementProcess();
    const v2 = await publishDefinition(team.as.admin, {
      key,
      name: "Await settlement v2",
      startOn: [types.start],
      steps: [{ id: "done", kind: "end" }],
    });
    expect(v2.version).toBe(2);
    await setVersionSplit(team.as.admin, key, { versionA: 1, versionB: 2, percentB: 50 });
    const versions = new Set<number>();
    for (let n = 0; n < 40; n++) {
      const { result } = await receiveEvent(team.as.admin, event(types.start, { invoiceNumber: `INV-${uid()}` }));
      expect(result.outcome).toBe("started");
      expect(result.instances).toHaveLength(1);
      versions.add(result.instances![0]!.version);
    }
    // 40 fair coin flips all landing on one side: about 1 in 550 billion.
    expect([...versions].sort()).toEqual([1, 2]);
    // A deprecated pick falls back to the newest ACTIVE version.
    await deprecateVersion(team.as.admin, key, 2);
    for (let n = 0; n < 10; n++) {
      const { result } = await receiveEvent(team.as.admin, event(types.start, { invoiceNumber: `INV-${uid()}` }));
      expect(result.instances).toEqual([{ id: expect.any(String), process: key, version: 1 }]);
    }
  });

  it("an event nobody subscribes to and without a correlation key is recorded as ignored", async () => {
    const r = await receiveEvent(team.as.admin, event(`com.acme.unknown.${uid()}`, {}));
    expect(r.result.outcome).toBe("ignored");
  });

  it("machines need events:write", async () => {
    await expect(receiveEvent(team.as.supervisor, event("x", {}))).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});

describe("correlation to waiting instances", () => {
  it("an event for a waiting instance completes its wait step, mapping the event into variables", async () => {
    const { types } = await settlementProcess();
    const started = await receiveEvent(team.as.admin, event(types.start, { invoiceNumber: "INV-20" }));
    const id = started.result.instances![0]!.id;
    const waiting = await instanceIn(id, "WAITING");
    expect(waiting.steps[0]).toMatchObject({ stepId: "settled", status: "WAITING", waitEventType: types.settled, correlationKey: "INV-20" });

    // Another invoice's payment does not wake it.
    const other = await receiveEvent(team.as.admin, event(types.settled, { paidAt: "x" }, { subject: "INV-99", correlationKey: "INV-99" }));
    expect(other.result.outcome).toBe("pending");
    const pay = event(types.settled, { paidAt: "2026-11-26T10:00:00Z" }, { subject: "INV-20", correlationKey: "INV-20" });
    const r = await receiveEvent(team.as.admin, pay);
    expect(r.result).toMatchObject({ outcome: "correlated", instanceId: id, stepId: "settled" });
    const done = await instanceIn(id, "COMPLETED");
    expect(done.variables).toEqual({ invoiceNumber: "INV-20", paidAt: "2026-11-26T10:00:00Z", paymentId: pay.id });
  });

  it("an event that arrives before its wait step exists is kept and delivered when the wait starts", async () => {
    const { types } = await settlementProcess();
    const early = event(types.settled, { paidAt: "early" }, { correlationKey: "INV-30" });
    expect((await receiveEvent(team.as.admin, early)).result.outcome).toBe("pending");
    const started = await receiveEvent(team.as.admin, event(types.start, { invoiceNumber: "INV-30" }));
    const done = await instanceIn(started.result.instances![0]!.id, "COMPLETED");
    expect(done.variables).toMatchObject({ paidAt: "early", paymentId: early.id });
    const receipt = await db().eventReceipt.findUniqueOrThrow({ where: { source_eventId: { source: early.source, eventId: early.id } } });
    expect(receipt.stepRunId).toBe(done.steps[0]!.id);
  });

  it("events and wait starts racing each other: every instance gets its own event exactly once", async () => {
    const { types } = await settlementProcess();
    const n = 10;
    const keys = Array.from({ length: n }, (_, i) => `INV-R${i}-${uid()}`);
    await Promise.all(
      keys.flatMap((k) => [
        receiveEvent(team.as.admin, event(types.start, { invoiceNumber: k })),
        receiveEvent(team.as.admin, event(types.settled, { paidAt: k }, { correlationKey: k })),
      ]),
    );
    const ids = (await db().processInstance.findMany({ where: { variables: { path: ["invoiceNumber"], string_starts_with: "INV-R" }, definition: { startOn: { has: types.start } } }, select: { id: true } })).map((r) => r.id);
    expect(ids).toHaveLength(n);
    for (const id of ids) {
      const done = await instanceIn(id, "COMPLETED");
      expect(done.variables.paidAt).toBe(done.variables.invoiceNumber);
    }
    expect(await db().eventReceipt.count({ where: { type: types.settled, consumedAt: null } })).toBe(0);
  });

  it("a wait that times out takes onTimeout; a late event is then kept, not delivered", async () => {
    const { types } = await settlementProcess({ timeout: "PT0.3S" });
    const started = await receiveEvent(team.as.admin, event(types.start, { invoiceNumber: "INV-40" }));
    const id = started.result.instances![0]!.id;
    const done = await instanceIn(id, "COMPLETED");
    expect(done.steps.map((s) => s.stepId)).toEqual(["settled", "chase", "done"]);
    expect(done.steps[0]!.output).toEqual({ timedOut: true });
    expect(done.variables).toMatchObject({ chased: true });
    const late = await receiveEvent(team.as.admin, event(types.settled, {}, { correlationKey: "INV-40" }));
    expect(late.result.outcome).toBe("pending");
    const actions = (await db().auditEntry.findMany({ where: { instanceId: id }, orderBy: { seq: "asc" } })).map((a) => a.action);
    expect(actions).toContain("step.timed_out");
  });
});

describe("POST /api/v1/events", () => {
  let token: string;
  beforeAll(async () => {
    token = (await tokenFor(team, "ADMIN", { scopes: ["events:write"] })).token;
  });

  function post(headers: Record<string, string>, body: string, auth = token) {
    return eventsRoute(new Request("http://localhost:3000/api/v1/events", { method: "POST", headers: { ...headers, authorization: `Bearer ${auth}` }, body }), {
      params: Promise.resolve({}),
    });
  }

  it("structured and binary mode from the SDK: 202 with the outcome; a replay answers the same", async () => {
    const { key, types } = await settlementProcess();
    const ce = new CloudEvent({ id: `evt-${uid()}`, source: "urn:acme:erp", type: types.start, subject: "INV-50", data: { invoiceNumber: "INV-50" } });
    const s = HTTP.structured(ce);
    const res = await post(s.headers as Record<string, string>, s.body as string);
    expect(res.status).toBe(202);
    const body = (await res.json()) as { outcome: string; duplicate: boolean; instances: { id: string }[] };
    expect(body).toMatchObject({ outcome: "started", duplicate: false });
    const again = await post(s.headers as Record<string, string>, s.body as string);
    expect(again.status).toBe(202);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await again.json()).toEqual({ ...body, duplicate: true });

    const b = HTTP.binary(new CloudEvent({ id: `evt-${uid()}`, source: "urn:acme:erp", type: types.start, data: { invoiceNumber: "INV-51" } }));
    const res2 = await post(b.headers as Record<string, string>, b.body as string);
    expect(res2.status).toBe(202);
    expect(await db().processInstance.count({ where: { definition: { key } } })).toBe(2);
  });

  it("bad events get a 4xx with a reason and start nothing", async () => {
    const { key, types } = await settlementProcess();
    const noId = await post({ "content-type": "application/cloudevents+json" }, JSON.stringify({ specversion: "1.0", source: "s", type: types.start, data: {} }));
    expect(noId.status).toBe(400);
    expect(((await noId.json()) as { detail: string }).detail).toMatch(/missing required attribute: id/);
    const wrongType = await post({ "content-type": "text/plain" }, "hello");
    expect(wrongType.status).toBe(415);
    const big = await post({ "content-type": "application/cloudevents+json" }, JSON.stringify({ specversion: "1.0", id: "x", source: "s", type: types.start, data: { b: "x".repeat(300_000) } }));
    expect(big.status).toBe(413);
    const noAuth = await post({ "content-type": "application/cloudevents+json" }, "{}", "bat_nope");
    expect(noAuth.status).toBe(401);
    expect(await db().processInstance.count({ where: { definition: { key } } })).toBe(0);
  });

  async function receipt(id: string, auth = token) {
    const res = await receiptRoute(new Request(`http://localhost:3000/api/v1/events/${id}`, { headers: { authorization: `Bearer ${auth}` } }), { params: Promise.resolve({ id }) });
    return { status: res.status, body: (await res.json()) as { status: string; result: { outcome: string; instances?: { id: string; process: string }[] } | null } };
  }

  it("Prefer: respond-async answers once the event is recorded; the worker starts the instance; the receipt tells the outcome", async () => {
    const { key, types } = await settlementProcess();
    const s = HTTP.structured(new CloudEvent({ id: `evt-${uid()}`, source: "urn:acme:erp", type: types.start, subject: "INV-60", data: { invoiceNumber: "INV-60" } }));
    const headers = { ...(s.headers as Record<string, string>), prefer: "respond-async" };
    const res = await post(headers, s.body as string);
    expect(res.status).toBe(202);
    expect(res.headers.get("preference-applied")).toBe("respond-async");
    const body = (await res.json()) as { receiptId: string; outcome: string; duplicate: boolean };
    expect(body).toEqual({ receiptId: expect.any(String), outcome: "accepted", duplicate: false });
    expect(res.headers.get("location")).toBe(`/api/v1/events/${body.receiptId}`);

    const processed = await waitFor("the worker processes the event", async () => {
      const r = await receipt(body.receiptId);
      return r.body.status === "processed" ? r.body : null;
    });
    expect(processed.result).toMatchObject({ outcome: "started", instances: [{ process: key }] });
    const inst = await instanceIn(processed.result!.instances![0]!.id, "WAITING");
    expect(inst.variables).toEqual({ invoiceNumber: "INV-60" });
    // Attributed to the token that posted it, by the worker that processed it.
    const audit = await db().auditEntry.findFirstOrThrow({ where: { action: "event.processed", subjectId: body.receiptId } });
    expect(audit.actorName).toMatch(/^token:/);

    const again = await post(headers, s.body as string);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await again.json()).toEqual({ ...processed.result, duplicate: true });
    expect(await db().processInstance.count({ where: { definition: { key } } })).toBe(1);
    expect((await receipt("no-such-receipt")).status).toBe(404);
  });

  it("asynchronously accepted payments and the waits they belong to meet, whichever comes first", async () => {
    const { types } = await settlementProcess();
    const keys = Array.from({ length: 8 }, (_, i) => `INV-A${i}-${uid()}`);
    await Promise.all(
      keys.flatMap((k) => [
        receiveEvent(team.as.admin, event(types.start, { invoiceNumber: k })),
        acceptEvent(team.as.admin, event(types.settled, { paidAt: k }, { correlationKey: k })),
      ]),
    );
    const ids = (await db().processInstance.findMany({ where: { variables: { path: ["invoiceNumber"], string_starts_with: "INV-A" }, definition: { startOn: { has: types.start } } }, select: { id: true } })).map((r) => r.id);
    expect(ids).toHaveLength(keys.length);
    for (const id of ids) {
      const done = await instanceIn(id, "COMPLETED");
      expect(done.variables.paidAt).toBe(done.variables.invoiceNumber);
    }
  });

  it("an accepted event whose job Redis lost is processed after the engine's recovery sweep", async () => {
    const { key, types } = await settlementProcess();
    // Recorded as acceptEvent records it, without its job (as after a Redis flush).
    const id = `rcpt-${uid()}`;
    const poster = await db().apiToken.findFirstOrThrow({ where: { prefix: token.slice(0, 12) } });
    await db().eventReceipt.create({
      data: {
        id,
        source: "urn:acme:erp",
        eventId: `evt-${uid()}`,
        type: types.start,
        data: { invoiceNumber: "INV-70" },
        receivedAt: new Date(Date.now() - 60_000),
        postedByType: "TOKEN",
        postedById: poster.id,
        postedByPrincipalId: poster.ownerId,
      },
    });
    expect((await receipt(id)).body.status).toBe("accepted");
    const { requeued } = await recoverEngineJobs({ olderThanMs: 1_000 });
    expect(requeued).toBeGreaterThanOrEqual(1);
    const r = await waitFor("recovered event processed", async () => ((await receipt(id)).body.status === "processed" ? (await receipt(id)).body : null));
    expect(r.result).toMatchObject({ outcome: "started", instances: [{ process: key }] });
  });
});
