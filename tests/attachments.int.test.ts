// Attachments (issue #21, ADR 040) over the real router, with API tokens acting for people: the
// type comes from the bytes, the size is limited, every read is authorised (who can see the task
// or the request) and audited, and previews carry the safe headers. Bytes in PostgreSQL here;
// tests/attachments-s3.int.test.ts runs the same path against a real S3-compatible server.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.ATTACHMENTS_MAX_BYTES = String(64 * 1024);
});

const { startApiServer } = await import("./api-server");
const { db, groupTask, makeTeam, tokenFor, uid } = await import("./helpers");

type Team = Awaited<ReturnType<typeof makeTeam>>;
let team: Team;
let server: Awaited<ReturnType<typeof startApiServer>>;
const tokens: Record<string, string> = {};

const PDF = Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "latin1");
const PNG = Buffer.from("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5e9f1d50000000049454e44ae426082", "hex");

beforeAll(async () => {
  team = await makeTeam();
  server = await startApiServer();
  for (const who of ["alice", "bob", "carol", "outsider", "auditor"] as const) {
    tokens[who] = (await tokenFor(team, team.users[who].role, { owner: who })).token;
  }
});
afterAll(async () => {
  await server.close();
  delete process.env.ATTACHMENTS_MAX_BYTES;
});

function upload(who: string, path: string, file: { bytes: Buffer; name: string; type?: string }, fields: Record<string, string> = {}) {
  const form = new FormData();
  form.append("file", new Blob([new Uint8Array(file.bytes)], { type: file.type ?? "" }), file.name);
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  return fetch(`${server.url}/api/v1${path}`, { method: "POST", headers: { authorization: `Bearer ${tokens[who]}`, "x-request-id": `att-${uid()}` }, body: form });
}
const get = (who: string, path: string) => fetch(`${server.url}/api/v1${path}`, { headers: { authorization: `Bearer ${tokens[who]}` } });

describe("attachments on a task", () => {
  it("stores a PDF, lists it, and serves it only to people who can see the task, auditing each read", async () => {
    const task = await groupTask(team);
    const res = await upload("alice", `/tasks/${task.id}/attachments`, { bytes: PDF, name: "../../Invoice März.pdf", type: "application/pdf" });
    expect(res.status, await res.clone().text()).toBe(201);
    const att = await res.json();
    expect(att).toMatchObject({ filename: "Invoice März.pdf", contentType: "application/pdf", size: PDF.length, owner: "task", previewable: true, uploadedBy: expect.stringMatching(/^token:it-member-/) });
    const row = await db().attachment.findUniqueOrThrow({ where: { id: att.id } });
    expect(row.store).toBe("postgres");
    expect(Buffer.from(row.content!).equals(PDF)).toBe(true);

    const list = await (await get("bob", `/tasks/${task.id}/attachments`)).json();
    expect(list.data.map((a: { id: string }) => a.id)).toEqual([att.id]);

    const preview = await get("bob", `/attachments/${att.id}/content?inline=1`);
    expect(preview.status).toBe(200);
    expect(Buffer.from(await preview.arrayBuffer()).equals(PDF)).toBe(true);
    expect(preview.headers.get("content-type")).toBe("application/pdf");
    expect(preview.headers.get("content-disposition")).toBe(`inline; filename="Invoice M_rz.pdf"; filename*=UTF-8''Invoice%20M%C3%A4rz.pdf`);
    expect(preview.headers.get("x-content-type-options")).toBe("nosniff");
    expect(preview.headers.get("content-security-policy")).toMatch(/^sandbox; default-src 'none'.*frame-ancestors 'self'/);
    expect(preview.headers.get("cache-control")).toBe("private, no-store");

    const download = await get("bob", `/attachments/${att.id}/content`);
    expect(download.headers.get("content-disposition")).toMatch(/^attachment;/);
    expect(download.headers.get("x-frame-options")).toBe("DENY");

    // Someone who cannot see the task learns nothing, not even that the file exists.
    expect((await get("outsider", `/attachments/${att.id}/content`)).status).toBe(404);
    expect((await get("outsider", `/tasks/${task.id}/attachments`)).status).toBe(404);
    expect((await get("bob", `/attachments/nope${uid()}/content`)).status).toBe(404);
    // Auditors see every task.
    expect((await get("auditor", `/attachments/${att.id}/content`)).status).toBe(200);

    const entries = await db().auditEntry.findMany({ where: { subjectType: "attachment", subjectId: att.id }, orderBy: { seq: "asc" } });
    expect(entries.map((e) => [e.action, e.actorName])).toEqual([
      ["attachment.added", expect.stringMatching(/^token:/)],
      ["attachment.downloaded", expect.stringMatching(/^token:/)],
      ["attachment.downloaded", expect.stringMatching(/^token:/)],
      ["attachment.downloaded", expect.stringMatching(/^token:/)],
    ]);
    expect(entries.map((e) => e.taskId)).toEqual([task.id, task.id, task.id, task.id]);
    expect(entries.map((e) => e.onBehalfOfId)).toEqual([team.users.alice.id, team.users.bob.id, team.users.bob.id, team.users.auditor.id]);
    expect((entries[1]!.after as { inline: boolean }).inline).toBe(true);
  });

  it("judges the bytes, not the name or the header, and limits the size", async () => {
    const task = await groupTask(team);
    const path = `/tasks/${task.id}/attachments`;
    const html = await upload("alice", path, { bytes: Buffer.from("<!doctype html><script>alert(1)</script>"), name: "invoice.pdf", type: "application/pdf" });
    expect(html.status).toBe(415);
    const mislabelled = await upload("alice", path, { bytes: PNG, name: "scan.pdf", type: "application/pdf" });
    expect(mislabelled.status).toBe(415);
    expect((await mislabelled.json()).detail).toContain("its content is image/png");
    const tooBig = await upload("alice", path, { bytes: Buffer.concat([PDF, Buffer.alloc(64 * 1024)]), name: "big.pdf" });
    expect(tooBig.status).toBe(413);
    expect((await tooBig.json()).detail).toContain("at most 64 KB");
    const json = await fetch(`${server.url}/api/v1${path}`, { method: "POST", headers: { authorization: `Bearer ${tokens.alice}`, "content-type": "application/json" }, body: "{}" });
    expect(json.status).toBe(415);
    expect(await db().attachment.count({ where: { taskId: task.id } })).toBe(0);

    // An image without a declared type is an image: previewable.
    const png = await upload("alice", path, { bytes: PNG, name: "photo" });
    expect(png.status).toBe(201);
    expect(await png.json()).toMatchObject({ contentType: "image/png", previewable: true });
    // An auditor reads but cannot add (tasks:comment).
    expect((await upload("auditor", path, { bytes: PDF, name: "x.pdf" })).status).toBe(403);
  });

  it("attaches to a comment of the task and to the request, shown on the request's tasks", async () => {
    const task = await groupTask(team);
    const comment = await db().comment.create({ data: { taskId: task.id, body: "Delivery note attached", authorId: team.users.alice.id } });
    const onComment = await upload("alice", `/tasks/${task.id}/attachments`, { bytes: PNG, name: "note.png" }, { commentId: comment.id });
    expect(await onComment.json()).toMatchObject({ owner: "comment", commentId: comment.id, taskId: task.id });
    const otherTask = await groupTask(team);
    const foreign = await upload("alice", `/tasks/${otherTask.id}/attachments`, { bytes: PNG, name: "x.png" }, { commentId: comment.id });
    expect(foreign.status).toBe(422);

    // A request with this task in it: its document is seen by whoever can see one of its tasks.
    const def = await db().processDefinition.create({ data: { key: `att-${uid()}`, version: 1, name: "Attachments", document: {} } });
    const instance = await db().processInstance.create({ data: { definitionId: def.id, startedById: team.users.carol.id } });
    await db().task.update({ where: { id: task.id }, data: { instanceId: instance.id } });
    const doc = await upload("carol", `/instances/${instance.id}/attachments`, { bytes: PDF, name: "source.pdf" });
    expect(doc.status).toBe(201);
    const docDto = await doc.json();
    expect(docDto).toMatchObject({ owner: "request", instanceId: instance.id, taskId: null });
    expect((await upload("outsider", `/instances/${instance.id}/attachments`, { bytes: PDF, name: "x.pdf" })).status).toBe(404);

    const onTask = await (await get("bob", `/tasks/${task.id}/attachments`)).json();
    expect(onTask.data.map((a: { filename: string }) => a.filename).sort()).toEqual(["note.png", "source.pdf"]);
    expect((await get("bob", `/attachments/${docDto.id}/content`)).status).toBe(200);
    expect((await get("outsider", `/attachments/${docDto.id}/content`)).status).toBe(404);
    const entry = await db().auditEntry.findFirstOrThrow({ where: { subjectId: docDto.id, action: "attachment.downloaded" } });
    expect(entry.instanceId).toBe(instance.id);
  });
});
