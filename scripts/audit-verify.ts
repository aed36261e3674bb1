// `npm run audit:verify` — walks the audit record (archive files, live entries, signed checkpoints) in the database
// named by DATABASE_URL and reports the first broken entry. Exit 0 intact, 1 broken.
// `npm run audit:verify -- --anchors var/audit-anchors/anchors.jsonl` also checks the database
// against checkpoints anchored outside it (ADR 026): a rewrite that deleted the database's own
// checkpoints is still caught. `npm run audit:verify -- --file export.jsonl` checks a JSON Lines
// export (or a retention archive, .jsonl.gz) offline instead.
import { loadEnvConfig } from "@next/env";
loadEnvConfig(process.cwd(), false, { info: () => {}, error: console.error });

import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";
import { parseArgs } from "node:util";
import { chainHash, type SealedEntry } from "../lib/audit/chain";

async function verifyFile(file: string): Promise<number> {
  // Lines must be in chain order for the links to be checked; a filtered export still lets each
  // entry's own hash be checked against its stated predecessor.
  const raw = createReadStream(file);
  const rl = createInterface({ input: file.endsWith(".gz") ? raw.pipe(createGunzip()) : raw, crlfDelay: Infinity });
  let n = 0;
  let linked = 0;
  let prev: SealedEntry | null = null;
  for await (const line of rl) {
    if (!line.trim()) continue;
    n++;
    const e = JSON.parse(line) as SealedEntry;
    if (!e.hash || !e.chainIndex || !e.prevHash) {
      console.error(`line ${n} (seq ${e.seq}): not sealed yet — export again after the worker sealed it`);
      return 1;
    }
    if (chainHash(e.prevHash, e.chainIndex, e) !== e.hash) {
      console.error(`line ${n} (seq ${e.seq}, chain index ${e.chainIndex}): content does not match its hash — edited`);
      return 1;
    }
    if (prev && BigInt(e.chainIndex) === BigInt(prev.chainIndex) + BigInt(1)) {
      if (e.prevHash !== prev.hash) {
        console.error(`line ${n} (seq ${e.seq}): does not link to the entry before it`);
        return 1;
      }
      linked++;
    }
    prev = e;
  }
  console.log(`${file}: ${n} entries, every hash matches its content; ${linked} consecutive links verified.`);
  return 0;
}

async function verifyDatabase(): Promise<number> {
  const { envOrExit } = await import("../lib/env");
  envOrExit();
  const { verifyAuditChain } = await import("../lib/audit/verify");
  const anchors = values.anchors ? await readAnchors(values.anchors) : undefined;
  if (anchors) console.log(`Checking against ${anchors.length} anchored checkpoints from ${values.anchors}.`);
  const { disconnectDb } = await import("../lib/db");
  try {
    // Verification only reads: entries the worker has not sealed yet are counted, not sealed.
    const r = await verifyAuditChain(5000, { anchors });
    if (r.unsealed) console.log(`${r.unsealed} entries are not sealed yet (the worker seals them); they are not covered.`);
    if (r.ok) {
      console.log(
        `Audit chain intact: ${r.checked} entries (${r.archives} archive files), head #${r.headIndex ?? 0} ${r.headHash ?? ""}; ${r.checkpoints.signed}/${r.checkpoints.total} checkpoints signed, signed up to #${r.signedUpTo ?? "-"} (${r.ms} ms).`,
      );
      return 0;
    }
    console.error(`Audit chain BROKEN at seq ${r.firstBroken?.seq} (chain index ${r.firstBroken?.chainIndex}): ${r.firstBroken?.detail}.`);
    return 1;
  } finally {
    await disconnectDb();
  }
}

/** The anchored checkpoints of an anchors.jsonl file (AUDIT_ANCHOR_DIR), one JSON object a line. */
async function readAnchors(file: string) {
  const out: { chainIndex: string; hash: string; signature: string; keyId: string }[] = [];
  const rl = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of rl) {
    if (!line.trim()) continue;
    const a = JSON.parse(line) as Record<string, unknown>;
    if (typeof a.chainIndex !== "string" || typeof a.hash !== "string" || typeof a.signature !== "string" || typeof a.keyId !== "string") {
      throw new Error(`${file}: not an anchored checkpoint: ${line.slice(0, 120)}`);
    }
    out.push({ chainIndex: a.chainIndex, hash: a.hash, signature: a.signature, keyId: a.keyId });
  }
  return out;
}

const { values } = parseArgs({ options: { file: { type: "string" }, anchors: { type: "string" } } });
(values.file ? verifyFile(values.file) : verifyDatabase())
  .then((code) => (process.exitCode = code))
  .catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 2;
  });
