import { z } from "zod";
import { defineRoute } from "@/app/api/_lib/define-route";
import { revokeApiToken } from "@/lib/identity/service";
import { tokenDtoSchema } from "@/lib/identity/schemas";

export const DELETE = defineRoute({
  operationId: "revokeToken",
  tags: ["tokens"],
  summary: "Revoke an API token (kept for the audit trail, never deleted)",
  permission: "tokens:manage",
  params: z.object({ id: z.string().meta({ description: "Token id" }) }),
  responses: { 200: { schema: tokenDtoSchema } },
  errors: [404, 409],
  handler: async ({ actor, params }) => revokeApiToken(actor, params.id),
});
