import path from "node:path";
import { defineConfig, devices } from "@playwright/test";
import { E2E_SMTP_PORT } from "./e2e/helpers/ports";
import { E2E_OIDC_CLIENT, E2E_OIDC_ISSUER, E2E_OIDC_PORT, E2E_SSO_ORIGIN, oidcServerEnv } from "./e2e/helpers/oidc";

// End-to-end tests against a production build (`next build` first; `npm test` does it) with the
// worker running beside it. `npm test` points both at a freshly seeded database of its own; a
// plain `npm run test:e2e` uses whatever .env says.
const PORT = Number(process.env.E2E_PORT ?? 3100);
const WORKER_HEALTH_PORT = Number(process.env.E2E_WORKER_HEALTH_PORT ?? 3101);
const baseURL = `http://127.0.0.1:${PORT}`;
// Never reuse a server in CI or inside `npm test` (it might be serving another database).
const reuseExistingServer = !process.env.CI && !process.env.BATON_TEST_RUN;

const serverEnv: Record<string, string> = {
  ...(process.env as Record<string, string>),
  PORT: String(PORT),
  AUTH_URL: process.env.AUTH_URL ?? baseURL,
  AUTH_TRUST_HOST: "true",
  WORKER_HEALTH_PORT: String(WORKER_HEALTH_PORT),
  // Notification e-mail goes to the SMTP server e2e/supervisor-console.spec.ts starts in the
  // Playwright process on this loopback port (until it runs, sends fail and are retried).
  SMTP_URL: `smtp://127.0.0.1:${E2E_SMTP_PORT}`,
  // A wider undo window than the default 5 s: a test's "decide, then undo" must not lose the race
  // against the window on a loaded CI machine (e2e/inbox-undo.spec.ts waits for the commit).
  UNDO_WINDOW_SECONDS: "15",
  // Single sign-on against the OpenID Connect provider started below (e2e/sso.spec.ts).
  ...oidcServerEnv(),
};

export default defineConfig({
  testDir: "e2e",
  // scripts/test.mjs gives each e2e shard its own (a run cleans its output folder when it starts).
  outputDir: process.env.PLAYWRIGHT_OUTPUT_DIR ?? "test-results",
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  forbidOnly: !!process.env.CI,
  // A journey is several page loads on two cores shared by two shards' stacks: generous budgets
  // cost nothing when a test passes, and spare a retry (a whole second run) when the machine is busy.
  timeout: 45_000,
  expect: { timeout: 10_000 },
  reporter: [
    ["list"],
    ["json", { outputFile: process.env.PLAYWRIGHT_JSON_OUTPUT_FILE ?? path.join("playwright-report", "results.json") }],
  ],
  use: {
    baseURL,
    screenshot: "only-on-failure",
    // Recording a trace (DOM snapshots and a screencast of every page) costs CPU in every test;
    // record it for the retry of a failed test, which is the run worth reading.
    trace: process.env.CI ? "on-first-retry" : "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      // Needed for Debian's Chromium as root on a closed network (see shared notes/stack.md).
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  projects: [
    { name: "setup", testMatch: /auth\.setup\.ts$/ },
    {
      name: "chromium",
      // Includes the every-page sweep's cut (ADR 045, 055); `npm run test:pages`
      // (BATON_E2E_EVERY_PAGE=full) runs its whole matrix.
      testMatch: /.*\.spec\.ts$/,
      dependencies: ["setup"],
      use: { ...devices["Desktop Chrome"] },
    },
  ],
  webServer: [
    {
      // A real OpenID Connect provider (oidc-provider) for e2e/sso.spec.ts, started before Baton.
      name: "oidc",
      command: `node e2e/helpers/oidc-provider.mjs ${E2E_OIDC_PORT} ${E2E_SSO_ORIGIN} ${E2E_OIDC_CLIENT.id} ${E2E_OIDC_CLIENT.secret}`,
      url: `${E2E_OIDC_ISSUER}/.well-known/openid-configuration`,
      reuseExistingServer,
      timeout: 30_000,
      stdout: "ignore",
      stderr: "ignore",
      gracefulShutdown: { signal: "SIGTERM", timeout: 5_000 },
    },
    {
      name: "web",
      // The production server (server.ts: Next.js plus the directly dispatched hot API routes),
      // started by its binary (not npx/npm) so stopping it stops the server itself.
      command: `node_modules/.bin/tsx server.ts -p ${PORT} -H 127.0.0.1`,
      url: `${baseURL}/api/health`,
      env: serverEnv,
      reuseExistingServer,
      timeout: 60_000,
      stdout: "ignore",
      stderr: "pipe",
      gracefulShutdown: { signal: "SIGTERM", timeout: 5_000 },
    },
    {
      name: "worker",
      command: "node_modules/.bin/tsx workers/index.ts",
      url: `http://127.0.0.1:${WORKER_HEALTH_PORT}/health`,
      env: serverEnv,
      reuseExistingServer,
      timeout: 60_000,
      stdout: "ignore",
      stderr: "pipe",
      gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
    },
  ],
});
