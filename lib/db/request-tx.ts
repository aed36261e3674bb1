import { logger } from "../logger";
import { isConnectionFault } from "./faults";
import { handOff, type OutboxRow } from "./outbox";
import { pool } from "./pool";
import { runWithRequestTx, type RequestTx } from "./request-scope";

/**
 * Runs `fn` (the request) in one transaction. `fn` returns what to answer and whether to keep
 * what it did (`commit: false` rolls everything back, e.g. for an error answer).
 */
export async function inRequestTransaction<T>(fn: () => Promise<{ result: T; commit: boolean }>): Promise<T> {
  const client = await pool().connect();
  const rtx: RequestTx = { client, next: 0, queue: Promise.resolve(), written: [], hooks: [], broken: false };
  const onError = () => void (rtx.broken = true);
  client.on("error", onError);
  let out: { result: T; commit: boolean };
  try {
    await client.query("BEGIN");
    out = await runWithRequestTx(rtx, fn);
    // Units still running (a request that did not await one) finish before the commit.
    await rtx.queue;
    await client.query(out.commit ? "COMMIT" : "ROLLBACK");
  } catch (e) {
    if (isConnectionFault(e)) rtx.broken = true;
    if (!rtx.broken) await client.query("ROLLBACK").catch(() => void (rtx.broken = true));
    throw e;
  } finally {
    client.off("error", onError);
    client.release(rtx.broken);
  }
  if (out.commit) {
    void handOff(rtx.written as OutboxRow[]);
    for (const hook of rtx.hooks) {
      try {
        hook();
      } catch (err) {
        logger.warn({ err: err instanceof Error ? err.message : String(err) }, "after-commit hook failed");
      }
    }
  }
  return out.result;
}
