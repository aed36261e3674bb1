import { defineRoute } from "@/app/api/_lib/define-route";
import { listSavedFilters, saveFilter } from "@/lib/saved-filters/service";
import { savedFilterDtoSchema, savedFilterInputSchema, savedFilterListSchema } from "@/lib/saved-filters/schemas";
import { json } from "@/lib/http/responses";

export const GET = defineRoute({
  operationId: "listSavedFilters",
  tags: ["inbox"],
  summary: "Your saved inbox filters",
  permission: "tasks:read",
  responses: { 200: { schema: savedFilterListSchema } },
  handler: async ({ actor }) => listSavedFilters(actor),
});

export const POST = defineRoute({
  operationId: "saveFilter",
  tags: ["inbox"],
  summary: "Save (or replace by name) an inbox filter",
  permission: "tasks:read",
  body: { schema: savedFilterInputSchema },
  responses: { 201: { description: "Saved", schema: savedFilterDtoSchema } },
  handler: async ({ actor, body }) => json(await saveFilter(actor, body), { status: 201 }),
});
