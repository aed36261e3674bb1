import { z } from "zod";
import { defineRoute } from "@/app/api/_lib/define-route";
import { deleteSavedFilter } from "@/lib/saved-filters/service";
import { noContent } from "@/lib/http/responses";

export const DELETE = defineRoute({
  operationId: "deleteSavedFilter",
  tags: ["inbox"],
  summary: "Delete one of your saved filters",
  permission: "tasks:read",
  params: z.object({ id: z.string().meta({ description: "Saved filter id" }) }),
  responses: { 204: { description: "Deleted" } },
  errors: [404],
  handler: async ({ actor, params }) => {
    await deleteSavedFilter(actor, params.id);
    return noContent();
  },
});
