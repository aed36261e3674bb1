import { z } from "zod";

// Presence shapes and timings, shared by the API (lib/live/presence.ts) and the browser.

/** The browser beats this often while a task is open… */
export const HEARTBEAT_MS = 10_000;
/** …and a viewer whose last beat is older than this has gone. */
export const STALE_MS = 30_000;

const viewerSchema = z.object({ id: z.string(), name: z.string(), since: z.string().meta({ description: "Time of the viewer's last heartbeat" }) });
export type Viewer = z.infer<typeof viewerSchema>;
export const presenceSchema = z.object({ data: z.array(viewerSchema) });
export const presenceListQuerySchema = z.object({
  taskIds: z
    .string()
    .max(4000)
    .transform((s) => s.split(",").map((x) => x.trim()).filter(Boolean).slice(0, 100))
    .meta({ description: "Comma list of up to 100 task ids" }),
});
export const presenceMapSchema = z.object({ data: z.record(z.string(), z.array(viewerSchema)) });
