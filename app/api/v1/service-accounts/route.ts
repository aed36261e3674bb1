import { z } from "zod";
import { defineRoute } from "@/app/api/_lib/define-route";
import { createServiceAccount, listServiceAccounts } from "@/lib/identity/service-accounts";
import { createServiceAccountSchema, serviceAccountDtoSchema } from "@/lib/identity/schemas";
import { json } from "@/lib/http/responses";

export const GET = defineRoute({
  operationId: "listServiceAccounts",
  tags: ["tokens"],
  summary: "List service accounts (token owners that are not people) and their grants",
  permission: "tokens:manage",
  responses: { 200: { schema: z.object({ data: z.array(serviceAccountDtoSchema) }) } },
  handler: async ({ actor }) => listServiceAccounts(actor),
});

export const POST = defineRoute({
  operationId: "createServiceAccount",
  tags: ["tokens"],
  summary: "Create a service account with its grants (groups, processes, event source/type pairs)",
  permission: "tokens:manage",
  body: { schema: createServiceAccountSchema },
  responses: { 201: { schema: serviceAccountDtoSchema } },
  errors: [409],
  handler: async ({ actor, body }) => json(await createServiceAccount(actor, body), { status: 201 }),
});
