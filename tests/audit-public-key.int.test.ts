// ADR 026: the public key that verifies signed checkpoints is published without sign-in and
// named in the export; a checkpoint the sealer wrote verifies with it, and not with another key.
import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sealAll } from "@/lib/audit/sealer";
import { parsePublicKey, verifyCheckpointSignature } from "@/lib/audit/signing";
import { systemActor } from "@/prisma/factories";
import { startApiServer, type ApiServer } from "./api-server";
import { appendEntry, db, makeTeam, tokenFor, uid } from "./helpers";

let server: ApiServer;
beforeAll(async () => {
  server = await startApiServer();
});
afterAll(async () => server.close());

describe("GET /api/v1/audit/public-key", () => {
  it("publishes the key the sealer signs with, and it verifies the newest checkpoint", async () => {
    await appendEntry(systemActor("it-key"), { action: "it.key", subjectType: "test", subjectId: uid() });
    await sealAll();
    const res = await fetch(`${server.url}/api/v1/audit/public-key`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { algorithm: string; current: string; keys: { keyId: string; publicKey: string; publicKeyPem: string }[] };
    expect(body.algorithm).toBe("Ed25519");
    const current = body.keys.find((k) => k.keyId === body.current)!;
    expect(current.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    const checkpoint = await db().auditCheckpoint.findFirstOrThrow({ where: { keyId: body.current }, orderBy: { chainIndex: "desc" } });
    expect(verifyCheckpointSignature(parsePublicKey(current.publicKey)!, checkpoint.chainIndex, checkpoint.hash, checkpoint.signature!)).toBe(true);
    // A signature checked with the wrong key fails.
    expect(verifyCheckpointSignature(generateKeyPairSync("ed25519").publicKey, checkpoint.chainIndex, checkpoint.hash, checkpoint.signature!)).toBe(false);
  });

  it("the export names the signing key in its headers", async () => {
    const team = await makeTeam();
    const { token } = await tokenFor(team, "AUDITOR");
    const res = await fetch(`${server.url}/api/v1/audit/export?format=jsonl&action=it.key`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const keys = (await (await fetch(`${server.url}/api/v1/audit/public-key`)).json()) as { current: string; keys: { keyId: string; publicKey: string }[] };
    expect(res.headers.get("baton-audit-key-id")).toBe(keys.current);
    expect(res.headers.get("baton-audit-public-key")).toBe(keys.keys.find((k) => k.keyId === keys.current)!.publicKey);
    await res.text();
  });
});
