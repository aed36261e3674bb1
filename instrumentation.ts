// Runs once when the Next.js server starts: validate configuration before serving anything, so a
// missing DATABASE_URL or AUTH_SECRET is one readable line at boot, not an error on first request.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { envOrExit } = await import("./lib/env");
  envOrExit();
  // OpenTelemetry tracing, off unless the standard OTEL_* variables ask for it (lib/tracing.ts).
  const { tracingEnabled } = await import("./lib/tracing");
  if (tracingEnabled()) {
    const { registerOTel } = await import("@vercel/otel");
    registerOTel({ serviceName: process.env.OTEL_SERVICE_NAME ?? "baton-web" });
  }
}
