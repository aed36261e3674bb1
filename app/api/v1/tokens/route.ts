import { z } from "zod";
import { defineRoute } from "@/app/api/_lib/define-route";
import { createApiToken, listApiTokens } from "@/lib/identity/service";
import { createTokenSchema, createdTokenSchema, tokenDtoSchema } from "@/lib/identity/schemas";
import { json } from "@/lib/http/responses";

export const GET = defineRoute({
  operationId: "listTokens",
  tags: ["tokens"],
  summary: "List API tokens",
  permission: "tokens:manage",
  responses: { 200: { schema: z.object({ data: z.array(tokenDtoSchema) }) } },
  handler: async ({ actor }) => listApiTokens(actor),
});

export const POST = defineRoute({
  operationId: "createToken",
  tags: ["tokens"],
  summary: "Create an API token (the secret is shown once)",
  permission: "tokens:manage",
  body: { schema: createTokenSchema },
  responses: { 201: { schema: createdTokenSchema } },
  handler: async ({ actor, body }) => json(await createApiToken(actor, body), { status: 201 }),
});
