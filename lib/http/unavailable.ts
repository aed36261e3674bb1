import { isTransientFault } from "../db";
import { AppError } from "../errors";

// A transient fault of PostgreSQL or Redis (lib/db/faults.ts) did not take effect (or its
// transaction rolled back), so the caller may send the request again: 503 with Retry-After, not
// a 500 (issue 19).

export { isTransientFault };

/** Seconds a client should wait before trying again. */
export const RETRY_AFTER_S = 2;

/** The 503 a transient fault answers. */
export function unavailable(): AppError {
  return new AppError("SERVICE_UNAVAILABLE", "The service is briefly unavailable (a database or Redis connection failed). Try again shortly.", {
    details: { retryAfterS: RETRY_AFTER_S },
  });
}
