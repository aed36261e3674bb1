// Anchoring signed audit checkpoints outside the database (ADR 026, issue #18): the webhook goes
// through the egress client (an address the operator did not allow is refused, no redirect is
// followed), and AUDIT_ANCHOR_EMAIL sends the signed checkpoint through the notifications' SMTP
// transport, read back here from a real SMTP server on loopback (smtp-server).
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { startSmtpServer } from "@/e2e/helpers/smtp";
import { anchorAuditCheckpoint, type AnchorRecord } from "@/lib/audit/anchor";
import { auditSigner } from "@/lib/audit/keys";
import { sealAll } from "@/lib/audit/sealer";
import { signCheckpoint } from "@/lib/audit/signing";
import { query } from "@/lib/db";
import { OutboundRefused } from "@/lib/outbound/client";
import { parseEnv } from "@/lib/env";
import { systemActor } from "@/prisma/factories";
import { appendEntry, db, uid } from "./helpers";

// The worker's settings for this file: SMTP on loopback.
const smtp = await startSmtpServer();
Object.assign(process.env, { SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, MAIL_FROM: "Baton <baton@example.test>" });
afterAll(async () => {
  await smtp.close();
});

/** New entries sealed into the chain, and a signed checkpoint of the head. */
async function newCheckpoint(): Promise<{ chainIndex: string; hash: string }> {
  await appendEntry(systemActor("it-anchor"), { action: "it.anchor", subjectType: "test", subjectId: uid() });
  await sealAll();
  const head = (await db().auditEntry.findFirstOrThrow({ where: { chainIndex: { not: null } }, orderBy: { chainIndex: "desc" } }))!;
  const newest = await db().auditCheckpoint.findFirst({ where: { signature: { not: null } }, orderBy: { chainIndex: "desc" } });
  if (!newest || newest.chainIndex < head.chainIndex!) {
    const signer = auditSigner()!;
    await query(`SELECT baton_audit_checkpoint($1::bigint, $2, $3, $4)`, [head.chainIndex!.toString(), head.hash!, signCheckpoint(signer.key, head.chainIndex!, head.hash!), signer.keyId]);
  }
  const cp = await db().auditCheckpoint.findFirstOrThrow({ where: { signature: { not: null } }, orderBy: { chainIndex: "desc" } });
  return { chainIndex: cp.chainIndex.toString(), hash: cp.hash };
}

describe("anchor webhook through the egress client", () => {
  it("refuses an address the operator did not allow (cloud metadata), before connecting", async () => {
    await newCheckpoint();
    const err = await anchorAuditCheckpoint({ webhookUrl: "http://169.254.169.254/latest/anchor" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutboundRefused);
  });

  it("does not follow a redirect to elsewhere: a 3xx is a failed anchor", async () => {
    const server = createServer((_req, res) => res.writeHead(307, { location: "http://169.254.169.254/" }).end());
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const { port } = server.address() as AddressInfo;
      await expect(anchorAuditCheckpoint({ webhookUrl: `http://127.0.0.1:${port}/anchor` })).rejects.toThrow(/answered 307/);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe("anchor e-mail", () => {
  it("sends the newest signed checkpoint once per new checkpoint to AUDIT_ANCHOR_EMAIL", async () => {
    const to = `audit-${uid()}@example.test`;
    const cp = await newCheckpoint();
    const result = await anchorAuditCheckpoint({ email: to });
    expect(result).toEqual({ anchored: cp.chainIndex, to: [`mailto:${to}`] });
    const mails = () => smtp.received.filter((m) => m.to.includes(to));
    await expect.poll(() => mails().length).toBe(1);
    const mail = mails()[0]!;
    expect(mail.headers.subject).toBe(`Baton audit checkpoint ${cp.chainIndex}`);
    const line = mail.text.split(/\r?\n/).find((l) => l.startsWith("{"))!;
    const record = JSON.parse(line) as AnchorRecord;
    expect(record).toMatchObject({ type: "baton.audit.checkpoint", chainIndex: cp.chainIndex, hash: cp.hash, keyId: auditSigner()!.keyId });
    expect(record.signature).toBeTruthy();

    // No new checkpoint: no second e-mail. A new one: e-mailed too.
    await anchorAuditCheckpoint({ email: to });
    const next = await newCheckpoint();
    await anchorAuditCheckpoint({ email: to });
    await expect.poll(() => mails().length).toBe(2);
    expect(mails()[1]!.headers.subject).toBe(`Baton audit checkpoint ${next.chainIndex}`);
  });

  it("AUDIT_ANCHOR_EMAIL without SMTP_URL is refused at boot, as is a malformed address", () => {
    const base = { AUTH_SECRET: "x".repeat(32), DATABASE_URL: process.env.DATABASE_URL };
    expect(() => parseEnv({ ...base, AUDIT_ANCHOR_EMAIL: "audit@example.test" })).toThrow(/AUDIT_ANCHOR_EMAIL needs SMTP_URL/);
    expect(() => parseEnv({ ...base, AUDIT_ANCHOR_EMAIL: "not-an-address", SMTP_URL: "smtp://127.0.0.1:25" })).toThrow(/AUDIT_ANCHOR_EMAIL must be an e-mail address/);
    expect(parseEnv({ ...base, AUDIT_ANCHOR_EMAIL: "audit@example.test", SMTP_URL: "smtp://127.0.0.1:25" }).AUDIT_ANCHOR_EMAIL).toBe("audit@example.test");
  });
});
