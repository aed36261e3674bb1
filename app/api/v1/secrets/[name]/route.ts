import { z } from "zod";
import { defineRoute } from "@/app/api/_lib/define-route";
import { deleteSecret, rotateSecret } from "@/lib/secrets/service";
import { rotateSecretSchema, secretDtoSchema } from "@/lib/secrets/schemas";

const secretParams = z.object({ name: z.string().meta({ description: "The secret's name" }) });

export const PUT = defineRoute({
  operationId: "rotateSecret",
  tags: ["secrets"],
  summary: "Rotate a secret: a new value (and optionally description); HTTP steps use it from their next call",
  permission: "secrets:manage",
  params: secretParams,
  body: { schema: rotateSecretSchema },
  responses: { 200: { schema: secretDtoSchema } },
  errors: [404, 409, 503],
  handler: async ({ actor, params, body }) => rotateSecret(actor, params.name, body),
});

export const DELETE = defineRoute({
  operationId: "deleteSecret",
  tags: ["secrets"],
  summary: "Delete a secret no active process version uses (409 naming them otherwise)",
  permission: "secrets:manage",
  params: secretParams,
  responses: { 200: { schema: z.object({ name: z.string(), deleted: z.literal(true) }) } },
  errors: [404, 409],
  handler: async ({ actor, params }) => deleteSecret(actor, params.name),
});
