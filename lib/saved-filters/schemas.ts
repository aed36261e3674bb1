import { z } from "zod";

// A person's named inbox filter: the inbox's URL query (view, priority, due, status, q, sort).
export const savedFilterInputSchema = z
  .object({
    name: z.string().trim().min(1, "Name the filter").max(60),
    /** The query string, e.g. "view=group&priority=HIGH,URGENT&due=today". */
    query: z.string().trim().max(1000),
  })
  .strict();

export const savedFilterDtoSchema = z.object({ id: z.string(), name: z.string(), query: z.string(), createdAt: z.string() });
export type SavedFilterDto = z.infer<typeof savedFilterDtoSchema>;
export const savedFilterListSchema = z.object({ data: z.array(savedFilterDtoSchema) });

/** Keys a saved query may carry; anything else is dropped so a filter never smuggles a cursor. */
export const SAVED_QUERY_KEYS = ["view", "status", "priority", "due", "q", "sort"] as const;
