import { defineRoute } from "@/app/api/_lib/define-route";
import { disableTotp } from "@/lib/account/totp";
import { disableTotpSchema, totpStatusSchema } from "@/lib/account/schemas";

export const POST = defineRoute({
  operationId: "disableMyTotp",
  tags: ["people"],
  summary: "Turn two-step sign-in off with your password and a code (or a recovery code). Audited user.totp_disabled",
  body: { schema: disableTotpSchema },
  responses: { 200: { schema: totpStatusSchema } },
  errors: [403, 409, 429],
  handler: async ({ actor, body }) => disableTotp(actor, body),
});
