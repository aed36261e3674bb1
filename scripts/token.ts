// `npm run token -- --name NAME --role ROLE --owner EMAIL|SERVICE_ACCOUNT [--scopes tasks:read,tasks:create] [--days 90]`
// Creates an API token in the database named by DATABASE_URL and prints it (once).
import { loadEnvConfig } from "@next/env";
loadEnvConfig(process.cwd(), false, { info: () => {}, error: console.error });

import { parseArgs } from "node:util";
import { envOrExit } from "../lib/env";
import { createApiToken } from "../lib/identity/service";
import { permissionsFor } from "../lib/identity/permissions";
import { disconnectDb } from "../lib/db";
import { disconnectRedis } from "../lib/redis";
import { isAppError } from "../lib/errors";

const usage = "Usage: npm run token -- --name NAME --role ADMIN|SUPERVISOR|AUDITOR|MEMBER --owner EMAIL|SERVICE_ACCOUNT [--scopes p1,p2] [--days N]";

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: { name: { type: "string" }, role: { type: "string" }, owner: { type: "string" }, scopes: { type: "string" }, days: { type: "string" }, help: { type: "boolean" } },
    }));
  } catch (e) {
    console.error(`${(e as Error).message}\n${usage}`);
    return 2;
  }
  if (values.help || !values.name || !values.role || !values.owner) {
    console.error(usage);
    return values.help ? 0 : 2;
  }
  envOrExit();
  const cli = { type: "SYSTEM" as const, id: null, name: "cli:npm run token", role: "ADMIN" as const, permissions: permissionsFor("ADMIN") };
  try {
    const token = await createApiToken(cli, {
      name: values.name,
      role: values.role.toUpperCase(),
      // Every token acts for a person or a service account, never more than their rights (ADR 021).
      owner: values.owner,
      scopes: values.scopes ? values.scopes.split(",").map((s) => s.trim()).filter(Boolean) : [],
      expiresInDays: values.days ? Number(values.days) : undefined,
    });
    console.log(token.token);
    console.error(`Created token "${token.name}" (${token.role}${token.scopes.length ? `, scopes ${token.scopes.join(",")}` : ""}). Store it now: it is not shown again.`);
    return 0;
  } catch (e) {
    if (isAppError(e)) {
      console.error(`${e.message}\n${usage}`);
      return 2;
    }
    throw e;
  }
}

main()
  .then((code) => (process.exitCode = code))
  .catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  })
  .finally(async () => {
    await disconnectRedis();
    await disconnectDb();
  });
