// Runs before every integration test file. Integration tests write real rows, so they refuse to
// run against anything but a throwaway database (`npm test` creates baton_test_<run> for them).
import { afterAll } from "vitest";
import { closeConnections } from "../databases";

const url = process.env.DATABASE_URL;
const dbName = url ? decodeURIComponent(new URL(url).pathname.replace(/^\//, "")) : "";
if (!dbName.startsWith("baton_test_")) {
  throw new Error(
    `Integration tests only run against a database whose name starts with "baton_test_" (DATABASE_URL points at "${dbName || "nothing"}"). ` +
      "Run them with `npm test` (or BATON_TEST_SUITES=integration npm test), which creates and drops one.",
  );
}
// Keys this run writes live under their own prefix, so the run never touches anyone else's.
if (!process.env.REDIS_PREFIX?.startsWith("baton_test")) process.env.REDIS_PREFIX = dbName.slice(0, 64);
process.env.AUTH_SECRET ??= "integration-test-secret-0123456789";
process.env.LOG_LEVEL ??= "warn";

afterAll(async () => {
  // Let fire-and-forget outbox dispatches started by the services settle before closing.
  await new Promise((r) => setTimeout(r, 50));
  await closeConnections();
});
