// File fields in start forms and step forms (issue #21, ADR 052) against real PostgreSQL and a
// real engine worker: a requester's upload is hers alone until the request she files takes it
// over; the server checks every file answer (whose upload, which request or task, which kind) beside
// the shared schema; a decider's file answer is a file of the task; unfiled uploads expire.
import type { Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publishDefinition } from "@/lib/processes/service";
import { getInstance } from "@/lib/engine";
import { decideTask } from "@/lib/tasks";
import { listMyRequests, submitRequest } from "@/lib/requests/service";
import { attachToTask, listTaskAttachments, readAttachment, uploadRequestFile } from "@/lib/attachments/service";
import { pruneExpiredRows } from "@/lib/retention/service";
import { appError, db, makeTeam, startEngineWorker, uid, waitFor, type Team } from "./helpers";

let team: Team;
let worker: Worker;
beforeAll(async () => {
  team = await makeTeam();
  worker = await startEngineWorker();
});
afterAll(async () => {
  await worker?.close();
});

const PDF = { filename: "receipt.pdf", declaredType: "application/pdf", bytes: new Uint8Array(Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "latin1")) };
const PNG = { filename: "photo.png", declaredType: "image/png", bytes: new Uint8Array(Buffer.from("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5e9f1d50000000049454e44ae426082", "hex")) };

function expenseClaim(key: string) {
  return {
    key,
    name: `Expense ${key}`,
    requesters: ["*"],
    startForm: [
      { id: "what", label: "What for", type: "text", required: true },
      { id: "receipt", label: "Receipt", type: "file", required: true, accept: ["pdf"] },
      { id: "photos", label: "Photos", type: "file", maxFiles: 2, accept: ["image"] },
    ],
    steps: [
      {
        id: "check",
        kind: "human",
        title: "Expense: {{what}}",
        candidateGroup: team.group.key,
        form: [{ id: "proof", label: "Payment proof", type: "file", required: true, accept: ["pdf"] }],
        writeBack: { proof: "payment.proof" },
        next: { approve: "done", reject: "done" },
      },
      { id: "done", kind: "end" },
    ],
  };
}

describe("file fields", () => {
  it("a start form's files: the requester's own unfiled uploads of an accepted kind, taken over by the request", async () => {
    const key = `expense-${uid()}`;
    await publishDefinition(team.as.admin, expenseClaim(key));
    const rita = team.as.outsider;
    const receipt = await uploadRequestFile(rita, async () => PDF);
    const photo = await uploadRequestFile(rita, async () => PNG);
    expect(receipt).toMatchObject({ contentType: "application/pdf", taskId: null, instanceId: null });
    // Until it is filed, the upload is its uploader's alone.
    expect((await readAttachment(rita, receipt.id, false)).bytes.length).toBe(PDF.bytes.length);
    expect((await appError(readAttachment(team.as.bob, receipt.id, false))).status).toBe(404);
    expect((await appError(uploadRequestFile({ ...team.as.admin, type: "TOKEN" as const }, async () => PDF))).code).toBe("FORBIDDEN");

    // Someone else's upload, the wrong kind, and a missing required file are each a field error; nothing is filed.
    const bobs = await uploadRequestFile(team.as.bob, async () => PDF);
    const notYours = await appError(submitRequest(rita, { process: key, answers: { what: "Taxi", receipt: [bobs.id] } }));
    expect([notYours.status, notYours.fieldErrors]).toEqual([422, [{ path: "answers.receipt", message: "not a file uploaded by you for this request" }]]);
    const wrongKind = await appError(submitRequest(rita, { process: key, answers: { what: "Taxi", receipt: [photo.id] } }));
    expect(wrongKind.fieldErrors).toEqual([{ path: "answers.receipt", message: '"photo.png" is not a kind of file this field accepts (pdf)' }]);
    expect((await appError(submitRequest(rita, { process: key, answers: { what: "Taxi", receipt: [] } }))).fieldErrors).toEqual([{ path: "answers.receipt", message: "required" }]);
    expect((await listMyRequests(rita)).data.some((r) => r.process.key === key)).toBe(false);

    const filed = await submitRequest(rita, { process: key, answers: { what: "Taxi", receipt: [receipt.id], photos: [photo.id] } });
    expect(filed.answers.find((a) => a.id === "receipt")?.value).toEqual([receipt.id]);
    const rows = await db().attachment.findMany({ where: { id: { in: [receipt.id, photo.id] } } });
    expect(rows.map((r) => r.instanceId)).toEqual([filed.id, filed.id]);
    const linked = await db().auditEntry.findMany({ where: { instanceId: filed.id, action: "attachment.linked" } });
    expect(linked.map((e) => e.subjectId).sort()).toEqual([receipt.id, photo.id].sort());
    // A filed upload cannot be filed again with another request.
    const again = await appError(submitRequest(rita, { process: key, answers: { what: "Bus", receipt: [receipt.id] } }));
    expect(again.fieldErrors?.[0]?.path).toBe("answers.receipt");

    // The decider sees the request's files beside the task (the case view's documents).
    const { taskId } = await waitFor("the check task", async () => (await listMyRequests(rita)).data.find((r) => r.id === filed.id)?.waitingOn[0]);
    const files = (await listTaskAttachments(team.as.bob, taskId)).data;
    expect(files.filter((f) => f.owner === "request").map((f) => [f.filename, f.previewable])).toEqual([
      ["receipt.pdf", true],
      ["photo.png", true],
    ]);
  });

  it("a step form's file: a file of this task (or its request) of an accepted kind; written back", async () => {
    const key = `expense-${uid()}`;
    await publishDefinition(team.as.admin, expenseClaim(key));
    const rita = team.as.outsider;
    const receipt = await uploadRequestFile(rita, async () => PDF);
    const filed = await submitRequest(rita, { process: key, answers: { what: "Hotel", receipt: [receipt.id] } });
    const { taskId } = await waitFor("the check task", async () => (await listMyRequests(rita)).data.find((r) => r.id === filed.id)?.waitingOn[0]);

    const stray = await uploadRequestFile(team.as.bob, async () => PDF);
    const notHere = await appError(decideTask(team.as.bob, taskId, { outcome: "approve", form: { proof: [stray.id] } }));
    expect([notHere.status, notHere.fieldErrors]).toEqual([422, [{ path: "form.proof", message: "not a file uploaded to this task" }]]);
    const png = await attachToTask(team.as.bob, taskId, PNG);
    expect((await appError(decideTask(team.as.bob, taskId, { outcome: "approve", form: { proof: [png.id] } }))).fieldErrors?.[0]?.message).toMatch(/not a kind of file this field accepts \(pdf\)/);

    const proof = await attachToTask(team.as.bob, taskId, PDF);
    const decided = await decideTask(team.as.bob, taskId, { outcome: "approve", form: { proof: [proof.id] } });
    expect(decided.formValues).toEqual({ proof: [proof.id] });
    await waitFor("the request to complete", async () => (await listMyRequests(rita)).data.find((r) => r.id === filed.id)?.status === "COMPLETED");
    expect((await getInstance(team.as.admin, filed.id)).variables).toMatchObject({ payment: { proof: [proof.id] }, receipt: [receipt.id] });
  });

  it("an upload never filed is deleted after a day; a filed one stays", async () => {
    const rita = team.as.outsider;
    const unfiled = await uploadRequestFile(rita, async () => PDF);
    const fresh = await uploadRequestFile(rita, async () => PDF);
    await db().attachment.update({ where: { id: unfiled.id }, data: { createdAt: new Date(Date.now() - 25 * 3_600_000) } });
    const key = `expense-${uid()}`;
    await publishDefinition(team.as.admin, expenseClaim(key));
    const old = await uploadRequestFile(rita, async () => PDF);
    await submitRequest(rita, { process: key, answers: { what: "Lunch", receipt: [old.id] } });
    await db().attachment.update({ where: { id: old.id }, data: { createdAt: new Date(Date.now() - 25 * 3_600_000) } });

    const pruned = await pruneExpiredRows();
    expect(pruned.unfiledUploads).toBeGreaterThanOrEqual(1);
    const left = (await db().attachment.findMany({ where: { id: { in: [unfiled.id, fresh.id, old.id] } }, select: { id: true } })).map((r) => r.id);
    expect(left.sort()).toEqual([fresh.id, old.id].sort());
  });
});
