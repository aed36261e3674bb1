import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  globalIgnores([".next/**", "node_modules/**", "lib/generated/**", "lib/rules/feel/feelin/**", "next-env.d.ts", "test-results/**", "playwright-report/**"]),
  {
    // Domain code is shared by the web app and the workers: it must not depend on Next.js or UI.
    files: ["lib/**/*.ts", "workers/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["next", "next/*", "next-auth", "next-auth/*"], message: "lib/ and workers/ must not import Next.js; keep that in app/." },
            { group: ["@/app/*", "@/components/*", "../app/*", "../components/*"], message: "lib/ and workers/ must not import app/ or components/." },
          ],
        },
      ],
    },
  },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
]);
