// The loopback port of the SMTP server the e2e specs start (e2e/supervisor-console.spec.ts) and
// the worker's SMTP_URL points at (playwright.config.ts). scripts/test.mjs passes E2E_SMTP_PORT;
// by default it sits next to the web port, so parallel runs on other ports never collide.
export const E2E_SMTP_PORT = Number(process.env.E2E_SMTP_PORT ?? Number(process.env.E2E_PORT ?? 3100) + 25);
