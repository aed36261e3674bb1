import { appendFile, mkdir, open } from "node:fs/promises";
import path from "node:path";
import { db } from "../db";
import { env } from "../env";
import { logger } from "../logger";
import { sendSystemEmail } from "../notifications/email";
import { outboundRequest } from "../outbound/client";
import { publishedAuditKeys } from "./keys";

// Anchoring (ADR 026): the newest signed checkpoint is copied outside the database on a schedule,
// to a file (append-only JSON Lines, meant for WORM or object-lock storage, or a directory someone
// else backs up), a webhook (through the egress client, lib/outbound: the operator's allow-list
// applies and no redirect is followed) and/or an e-mail (through the notifications' SMTP transport). A database owner who rewrites the record, and deletes the
// checkpoints in the database with it, is still contradicted by what was anchored before:
// `npm run audit:verify -- --anchors <file>` checks the database against an anchor file.

export interface AnchorRecord {
  type: "baton.audit.checkpoint";
  chainIndex: string;
  hash: string;
  signature: string;
  keyId: string;
  createdAt: string;
  publicKey: string | null;
  anchoredAt: string;
}

export const ANCHOR_FILE = "anchors.jsonl";

/** The checkpoint last e-mailed to each address by this process: one e-mail per new checkpoint. */
const lastEmailed = new Map<string, string>();

/** The chain index of the last line of an anchor file, if any (reads only its tail). */
async function lastAnchoredIndex(file: string): Promise<string | null> {
  const handle = await open(file, "r").catch(() => null);
  if (!handle) return null;
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, 8192);
    const buf = Buffer.alloc(length);
    await handle.read(buf, 0, length, size - length);
    const lines = buf.toString("utf8").trim().split("\n");
    const last = lines[lines.length - 1];
    return last ? ((JSON.parse(last) as Partial<AnchorRecord>).chainIndex ?? null) : null;
  } catch {
    return null;
  } finally {
    await handle.close();
  }
}

/** Anchors the newest signed checkpoint to the configured places; a no-op when there is nothing new. */
export async function anchorAuditCheckpoint(
  opts: { dir?: string; webhookUrl?: string; email?: string } = { dir: env().AUDIT_ANCHOR_DIR, webhookUrl: env().AUDIT_ANCHOR_WEBHOOK_URL, email: env().AUDIT_ANCHOR_EMAIL },
): Promise<{ anchored: string | null; to: string[] }> {
  if (!opts.dir && !opts.webhookUrl && !opts.email) return { anchored: null, to: [] };
  const cp = await db().auditCheckpoint.findFirst({ where: { signature: { not: null } }, orderBy: { chainIndex: "desc" } });
  if (!cp?.signature || !cp.keyId) return { anchored: null, to: [] };
  const key = publishedAuditKeys().keys.find((k) => k.keyId === cp.keyId);
  const record: AnchorRecord = {
    type: "baton.audit.checkpoint",
    chainIndex: cp.chainIndex.toString(),
    hash: cp.hash,
    signature: cp.signature,
    keyId: cp.keyId,
    createdAt: cp.createdAt.toISOString(),
    publicKey: key?.publicKey ?? null,
    anchoredAt: new Date().toISOString(),
  };
  const to: string[] = [];
  if (opts.dir) {
    const file = path.join(opts.dir, ANCHOR_FILE);
    if ((await lastAnchoredIndex(file)) !== record.chainIndex) {
      await mkdir(opts.dir, { recursive: true });
      await appendFile(file, `${JSON.stringify(record)}\n`, { flag: "a" });
      to.push(file);
    }
  }
  if (opts.webhookUrl) {
    // Sent every run, also when unchanged: the receiver keeps what it wants (a repeat is harmless).
    const res = await outboundRequest(new URL(opts.webhookUrl), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(record),
      timeoutMs: env().WEBHOOK_TIMEOUT_MS,
      maxResponseBytes: 4096,
      maxRedirects: 0,
    });
    if (res.status < 200 || res.status >= 300) throw new Error(`audit anchor webhook answered ${res.status}`);
    to.push(new URL(opts.webhookUrl).origin);
  }
  if (opts.email && lastEmailed.get(opts.email) !== record.chainIndex) {
    // Once per new checkpoint (per worker process; the Message-ID makes a resend after a restart
    // recognisable): the signed record as JSON, so `audit:verify --anchors` can read it back.
    await sendSystemEmail({
      to: opts.email,
      subject: `Baton audit checkpoint ${record.chainIndex}`,
      text: [
        `Baton's audit record was sealed up to entry ${record.chainIndex} with hash ${record.hash}.`,
        `The line below is signed with key ${record.keyId}; keep this e-mail where the database owner cannot change it.`,
        "",
        JSON.stringify(record),
        "",
      ].join("\n"),
      messageKey: `audit-checkpoint.${record.chainIndex}.${record.keyId}`,
      headers: { "X-Baton-Audit-Checkpoint": record.chainIndex },
    });
    lastEmailed.set(opts.email, record.chainIndex);
    to.push(`mailto:${opts.email}`);
  }
  if (to.length) logger.info({ chainIndex: record.chainIndex, to }, "audit checkpoint anchored");
  return { anchored: record.chainIndex, to };
}
