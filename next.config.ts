import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Server-only packages with native parts or dynamic requires stay outside the bundle.
  serverExternalPackages: ["bullmq", "ioredis", "@node-rs/argon2", "pino", "pg", "@prisma/adapter-pg", "prom-client"],
  poweredByHeader: false,
  typedRoutes: false,
  // forbidden() in server pages: a real HTTP 403 with the segment's forbidden.tsx (e.g. /team for members).
  experimental: { authInterrupts: true },
  // `npm test` type-checks the whole project in its static suite while it builds; it sets this so
  // the build does not check the same code a second time on the same two cores.
  typescript: { ignoreBuildErrors: process.env.BATON_BUILD_SKIP_TYPECHECK === "1" },
};

export default nextConfig;
