import { defineRoute } from "@/app/api/_lib/define-route";
import { confirmTotpEnrolment } from "@/lib/account/totp";
import { confirmTotpSchema, totpConfirmedSchema } from "@/lib/account/schemas";

export const POST = defineRoute({
  operationId: "confirmMyTotp",
  tags: ["people"],
  summary: "Turn two-step sign-in on with a code from your app; answers ten one-time recovery codes, shown this once. Audited user.totp_enabled",
  beforeSecondFactor: true,
  body: { schema: confirmTotpSchema },
  responses: { 200: { schema: totpConfirmedSchema } },
  errors: [403, 409, 429],
  handler: async ({ actor, body }) => confirmTotpEnrolment(actor, body),
});
