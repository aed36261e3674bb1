import { defineRoute } from "@/app/api/_lib/define-route";
import { createSecret, listSecrets } from "@/lib/secrets/service";
import { createSecretSchema, secretDtoSchema, secretListSchema } from "@/lib/secrets/schemas";
import { json } from "@/lib/http/responses";

export const GET = defineRoute({
  operationId: "listSecrets",
  tags: ["secrets"],
  summary: "Named secrets: names and metadata, never values",
  permission: "secrets:manage",
  responses: { 200: { schema: secretListSchema } },
  handler: async ({ actor }) => listSecrets(actor),
});

export const POST = defineRoute({
  operationId: "createSecret",
  tags: ["secrets"],
  summary: "Create a named secret (encrypted at rest; the value is never returned)",
  permission: "secrets:manage",
  body: { schema: createSecretSchema },
  responses: { 201: { schema: secretDtoSchema } },
  errors: [503],
  handler: async ({ actor, body }) => json(await createSecret(actor, body), { status: 201 }),
});
