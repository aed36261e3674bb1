import { defineRoute } from "@/app/api/_lib/define-route";
import { reactivatePerson } from "@/lib/people/lifecycle";
import { parse } from "@/lib/errors";
import { reactivateInputSchema, userDtoSchema, userParamsSchema } from "@/lib/people/schemas";

export const POST = defineRoute({
  operationId: "reactivateUser",
  tags: ["people"],
  summary: "Reactivate a deactivated person (tokens revoked at deactivation stay revoked). Audited user.reactivated",
  permission: "users:manage",
  params: userParamsSchema,
  body: { schema: reactivateInputSchema, required: false },
  responses: { 200: { schema: userDtoSchema } },
  errors: [404, 409],
  handler: async ({ actor, params, body }) => {
    const input = parse(reactivateInputSchema, body ?? {}, "Reactivation");
    return reactivatePerson({ personId: params.id, ...input }, actor);
  },
});
