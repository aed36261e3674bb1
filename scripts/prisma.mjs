#!/usr/bin/env node
// Runs the Prisma 6.19 CLI offline. The CLI tries to download native engines unless these two
// variables point at an existing file; with engine "js" in prisma.config.ts it then uses the
// WASM schema engine shipped inside the `prisma` package. See docs/decisions/002-prisma-6-offline.md.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const placeholder = path.join(root, "prisma", ".engine-placeholder");
const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: placeholder,
  PRISMA_QUERY_ENGINE_LIBRARY: placeholder,
  PRISMA_HIDE_UPDATE_MESSAGE: "1",
  CHECKPOINT_DISABLE: "1",
};
const bin = path.join(root, "node_modules", ".bin", "prisma");
const result = spawnSync(bin, process.argv.slice(2), { stdio: "inherit", env, cwd: root });
process.exit(result.status ?? 1);
