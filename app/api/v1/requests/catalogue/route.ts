import { defineRoute } from "@/app/api/_lib/define-route";
import { listCatalogue } from "@/lib/requests/service";
import { catalogueSchema } from "@/lib/requests/schemas";

export const GET = defineRoute({
  operationId: "listRequestCatalogue",
  tags: ["requests"],
  summary: "The processes you may request (their definition's requesters: your groups or everyone), each with its start form",
  responses: { 200: { schema: catalogueSchema } },
  // People only: an API token is refused (403), as on every own-row route.
  errors: [403],
  handler: async ({ actor }) => listCatalogue(actor),
});
