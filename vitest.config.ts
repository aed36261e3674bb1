import path from "node:path";
import { defineConfig } from "vitest/config";

// Two projects: `unit` (pure rules, co-located *.test.ts, no services) and `integration`
// (tests/*.int.test.ts against a real PostgreSQL + Redis; `npm test` creates a fresh database and
// Redis prefix per run). Includes are explicit so Playwright's *.spec.ts never run here.
const alias = { "@": path.resolve(__dirname) };

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["lib/**/*.test.ts", "workers/**/*.test.ts", "app/**/*.test.ts", "scripts/**/*.test.ts", "components/**/*.test.ts"],
          exclude: ["**/node_modules/**", "lib/generated/**"],
          environment: "node",
          env: { LOG_LEVEL: "silent" },
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["tests/**/*.int.test.ts"],
          environment: "node",
          setupFiles: ["tests/setup/integration.ts"],
          // The files share one database and one Redis prefix: run them one after another.
          fileParallelism: false,
          testTimeout: 30_000,
          hookTimeout: 60_000,
          // next-auth (imported by the route handlers) imports "next/server" without an extension,
          // which plain Node ESM cannot resolve; let Vite transform it instead.
          server: { deps: { inline: ["next-auth", "@auth/core"] } },
        },
      },
    ],
  },
});
