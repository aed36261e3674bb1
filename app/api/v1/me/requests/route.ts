import { defineRoute } from "@/app/api/_lib/define-route";
import { listMyRequests } from "@/lib/requests/service";
import { requestListSchema } from "@/lib/requests/schemas";

export const GET = defineRoute({
  operationId: "listMyRequests",
  tags: ["requests"],
  summary: "The requests you started, newest first: where each is, who has it since when and until when, and every decision and comment so far",
  responses: { 200: { schema: requestListSchema } },
  // People only: an API token is refused (403), as on every own-row route.
  errors: [403],
  handler: async ({ actor }) => listMyRequests(actor),
});
