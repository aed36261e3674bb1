// Runs once when the Next.js server starts: validate configuration before serving anything, so a
// missing DATABASE_URL or AUTH_SECRET is one readable line at boot, not an error on first request.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { envOrExit } = await import("./lib/env");
  envOrExit();
}
