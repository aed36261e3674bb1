import { z } from "zod";
import { defineRoute } from "@/app/api/_lib/define-route";
import { updateServiceAccount } from "@/lib/identity/service-accounts";
import { serviceAccountDtoSchema, updateServiceAccountSchema } from "@/lib/identity/schemas";

export const PATCH = defineRoute({
  operationId: "updateServiceAccount",
  tags: ["tokens"],
  summary: "Change a service account's name, role or grants (groups, processes, event source/type pairs), or deactivate it (`active: false`: its tokens stop at once)",
  permission: "tokens:manage",
  params: z.object({ id: z.string().min(1).max(100).meta({ description: "The service account's id" }) }),
  body: { schema: updateServiceAccountSchema },
  responses: { 200: { schema: serviceAccountDtoSchema } },
  errors: [404, 409],
  handler: async ({ actor, params, body }) => updateServiceAccount(actor, params.id, body),
});
