import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Server-only packages with native parts or dynamic requires stay outside the bundle.
  serverExternalPackages: ["bullmq", "ioredis", "@node-rs/argon2", "pino", "pg", "@prisma/adapter-pg", "prom-client"],
  poweredByHeader: false,
  typedRoutes: false,
  // forbidden() in server pages: a real HTTP 403 with the segment's forbidden.tsx (e.g. /team for members).
  experimental: { authInterrupts: true },
};

export default nextConfig;
