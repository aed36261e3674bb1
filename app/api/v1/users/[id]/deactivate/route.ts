import { defineRoute } from "@/app/api/_lib/define-route";
import { deactivatePerson } from "@/lib/people/lifecycle";
import { parse } from "@/lib/errors";
import { deactivateInputSchema, deactivationDtoSchema, userParamsSchema } from "@/lib/people/schemas";

export const POST = defineRoute({
  operationId: "deactivateUser",
  tags: ["people"],
  summary:
    "Deactivate a person: their tokens are revoked and sessions end, their open work is routed again (or handed to `reassignTo`), escalations naming them retarget. Audited user.deactivated",
  permission: "users:manage",
  params: userParamsSchema,
  body: { schema: deactivateInputSchema },
  responses: { 200: { schema: deactivationDtoSchema } },
  errors: [404, 409],
  handler: async ({ actor, params, body }) => {
    const input = parse(deactivateInputSchema, body, "Deactivation");
    return deactivatePerson({ personId: params.id, ...input }, actor);
  },
});
