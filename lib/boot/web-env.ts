// Imported first by server.ts: NODE_ENV and the .env files must be in place before Next.js and
// our modules are evaluated (`next start` does the same before loading anything).
import { loadEnvConfig } from "@next/env";

const dev = process.argv.includes("--dev");
(process.env as Record<string, string | undefined>).NODE_ENV ??= dev ? "development" : "production";
loadEnvConfig(process.cwd(), dev, { info: () => {}, error: console.error });
process.env.BATON_SERVICE ??= "web";
