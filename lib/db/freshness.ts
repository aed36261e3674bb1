import { z } from "zod";

// Where a heavy read's figures came from (ADR 049): the primary, or a streaming read replica that
// may be behind it. Client-safe (zod only): the dashboard and the audit pages show the note.

export const freshnessSchema = z.object({
  source: z.enum(["primary", "replica"]),
  /** Seconds the replica's last replayed commit is behind (0: caught up); null when read from the primary or not measured. */
  lagSeconds: z.number().min(0).nullable(),
  /** The lag is past DATABASE_REPLICA_LAG_NOTICE_SECONDS: say that the figures may be behind. */
  behind: z.boolean(),
});
export type Freshness = z.infer<typeof freshnessSchema>;

export const PRIMARY_FRESHNESS: Freshness = { source: "primary", lagSeconds: null, behind: false };

/** "figures may be up to 12 s behind" (rounded up; minutes past 120 s). */
export function behindText(lagSeconds: number): string {
  const s = Math.max(1, Math.ceil(lagSeconds));
  return s >= 120 ? `${Math.ceil(s / 60)} min` : `${s} s`;
}
