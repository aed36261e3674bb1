#!/usr/bin/env node
// `npm run db:grant` (also the second half of `npm run db:migrate`): gives the application role of
// DATABASE_URL its privileges in that database, connecting as DATABASE_OWNER_URL. See
// scripts/lib/db-roles.mjs and docs/decisions/025-two-database-roles.md.
import nextEnv from "@next/env";
import { grantAppRole, ownerUrlOf } from "./lib/db-roles.mjs";

// @next/env is CommonJS: its export arrives on `default` under ESM import.
nextEnv.loadEnvConfig(process.cwd(), false, { info: () => {}, error: console.error });
if (!process.env.DATABASE_URL) {
  console.error("DATABASE_URL is not set (see .env.example)");
  process.exit(1);
}
try {
  const r = await grantAppRole({ ownerUrl: ownerUrlOf(), appUrl: process.env.DATABASE_URL });
  console.log(r.skipped ? `› Database roles: ${r.skipped} (set DATABASE_OWNER_URL to separate them)` : `› Granted ${r.role} its privileges in ${r.database}`);
} catch (e) {
  console.error(`✖ granting the application role failed: ${e.message}`);
  process.exit(1);
}
