// Attachments in S3-compatible object storage (ATTACHMENTS_STORE=s3, ADR 040), against a real
// S3 server (s3rver, started here on a free port with its own directory): the bytes go to the
// bucket, not the row, and come back through the same authorised, audited download.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import S3rver from "s3rver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const dir = mkdtempSync(path.join(tmpdir(), "baton-s3-"));
const s3rver = new S3rver({ port: 0, address: "127.0.0.1", silent: true, directory: dir, configureBuckets: [{ name: "baton-attachments", configs: [] }] });
const { port } = await s3rver.run();
const endpoint = `http://127.0.0.1:${port}`;
// Before anything reads the configuration (env() is read once, on first use).
Object.assign(process.env, { ATTACHMENTS_STORE: "s3", S3_ENDPOINT: endpoint, S3_BUCKET: "baton-attachments", S3_ACCESS_KEY_ID: "S3RVER", S3_SECRET_ACCESS_KEY: "S3RVER" });

const { startApiServer } = await import("./api-server");
const { db, groupTask, makeTeam, tokenFor } = await import("./helpers");
const { resetObjectStore } = await import("@/lib/attachments/store");

let server: Awaited<ReturnType<typeof startApiServer>>;
let team: Awaited<ReturnType<typeof makeTeam>>;
beforeAll(async () => {
  team = await makeTeam();
  server = await startApiServer();
});
afterAll(async () => {
  await server.close();
  resetObjectStore();
  await s3rver.close();
  rmSync(dir, { recursive: true, force: true });
  for (const k of ["ATTACHMENTS_STORE", "S3_ENDPOINT", "S3_BUCKET", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"]) delete process.env[k];
});

describe("attachments in object storage", () => {
  it("puts the bytes in the bucket and serves them back to people who can see the task", async () => {
    const task = await groupTask(team);
    const alice = (await tokenFor(team, "MEMBER", { owner: "alice" })).token;
    const outsider = (await tokenFor(team, "MEMBER", { owner: "outsider" })).token;
    const pdf = Buffer.from(`%PDF-1.7\n% invoice ${task.id}\n%%EOF\n`);
    const form = new FormData();
    form.append("file", new Blob([new Uint8Array(pdf)], { type: "application/pdf" }), "invoice.pdf");
    const res = await fetch(`${server.url}/api/v1/tasks/${task.id}/attachments`, { method: "POST", headers: { authorization: `Bearer ${alice}` }, body: form });
    expect(res.status, await res.clone().text()).toBe(201);
    const att = await res.json();

    const row = await db().attachment.findUniqueOrThrow({ where: { id: att.id } });
    expect(row).toMatchObject({ store: "s3", content: null, storageKey: expect.stringMatching(new RegExp(`^attachments/\\d{4}-\\d{2}-\\d{2}/${att.id}$`)) });
    // Read straight from the server, past Baton: the object is there, typed and with its checksum.
    const s3 = new S3Client({ region: "us-east-1", endpoint, forcePathStyle: true, credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } });
    const object = await s3.send(new GetObjectCommand({ Bucket: "baton-attachments", Key: row.storageKey! }));
    expect(Buffer.from(await object.Body!.transformToByteArray()).equals(pdf)).toBe(true);
    expect(object.ContentType).toBe("application/pdf");
    expect(object.Metadata?.sha256).toBe(att.sha256);
    s3.destroy();

    const download = await fetch(`${server.url}/api/v1/attachments/${att.id}/content?inline=1`, { headers: { authorization: `Bearer ${alice}` } });
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(pdf)).toBe(true);
    expect(download.headers.get("content-disposition")).toMatch(/^inline;/);
    expect((await fetch(`${server.url}/api/v1/attachments/${att.id}/content`, { headers: { authorization: `Bearer ${outsider}` } })).status).toBe(404);
    const actions = await db().auditEntry.findMany({ where: { subjectId: att.id }, orderBy: { seq: "asc" }, select: { action: true } });
    expect(actions.map((a) => a.action)).toEqual(["attachment.added", "attachment.downloaded"]);
  });
});
