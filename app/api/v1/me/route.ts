import { defineRoute } from "@/app/api/_lib/define-route";
import { getMe } from "@/lib/identity/service";
import { meSchema } from "@/lib/identity/schemas";

export const GET = defineRoute({
  operationId: "getMe",
  tags: ["people"],
  summary: "Your profile, groups and inbox counts",
  beforeSecondFactor: true,
  responses: { 200: { schema: meSchema } },
  errors: [403],
  handler: async ({ actor }) => getMe(actor),
});
