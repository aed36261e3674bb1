// Faults of PostgreSQL or Redis that pass (issue 19): a connection terminated or refused, the
// server shutting down or out of connections, a pool with no free connection in time, a deadlock
// or serialization failure, Redis unreachable. Told apart by the error's shape alone, so the
// HTTP layer (503 + Retry-After) and the pool (a broken connection is destroyed) share one list.

// SQLSTATE classes and codes: 08 connection exception, 57P01-57P03 admin/crash shutdown and
// cannot connect now, 53300 too many connections, 40001 serialization failure, 40P01 deadlock.
const TRANSIENT_SQLSTATE = /^(08...|57P0[123]|53300|40001|40P01)$/;
const TRANSIENT_SOCKET = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"]);
// The messages pg, pg-pool and ioredis use for a connection that is gone or never came.
const TRANSIENT_MESSAGE =
  /^(Connection terminated|Client has encountered a connection error|Client was closed and is not queryable|timeout exceeded when trying to connect|Connection is closed|Stream isn't writeable|Reached the max retries per request limit|Cannot use a pool after calling end)/;

/** The error, or one it wraps (`cause`), is a fault of the database or of Redis that passes. */
export function isTransientFault(e: unknown, depth = 0): boolean {
  if (!e || typeof e !== "object" || depth > 3) return false;
  const err = e as { code?: unknown; message?: unknown; name?: unknown; cause?: unknown; errors?: unknown };
  if (typeof err.code === "string" && (TRANSIENT_SQLSTATE.test(err.code) || TRANSIENT_SOCKET.has(err.code))) return true;
  if (err.name === "MaxRetriesPerRequestError") return true;
  if (typeof err.message === "string" && TRANSIENT_MESSAGE.test(err.message)) return true;
  // An AggregateError (a connect to several addresses) is transient when its parts are.
  if (Array.isArray(err.errors) && err.errors.length > 0 && err.errors.every((x) => isTransientFault(x, depth + 1))) return true;
  return isTransientFault(err.cause, depth + 1);
}

/** The connection the error came from is unusable: the pool must destroy it, not reuse it. */
export function isConnectionFault(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return isTransientFault(e) && code !== "40001" && code !== "40P01" && code !== "53300";
}
