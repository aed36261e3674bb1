import { defineRoute } from "@/app/api/_lib/define-route";
import { startTotpEnrolment, totpStatus } from "@/lib/account/totp";
import { totpEnrolmentSchema, totpStatusSchema } from "@/lib/account/schemas";

export const GET = defineRoute({
  operationId: "getMyTotp",
  tags: ["people"],
  summary: "Your two-step sign-in (TOTP): on or off, recovery codes left, whether the sign-in policy requires it",
  beforeSecondFactor: true,
  responses: { 200: { schema: totpStatusSchema } },
  errors: [403],
  handler: async ({ actor }) => totpStatus(actor),
});

export const POST = defineRoute({
  operationId: "startMyTotpEnrolment",
  tags: ["people"],
  summary: "Start setting up two-step sign-in: a new secret, its otpauth URI and QR code (confirm with a code next). Audited user.totp_enrolment_started",
  beforeSecondFactor: true,
  responses: { 200: { schema: totpEnrolmentSchema } },
  errors: [403, 409, 503],
  handler: async ({ actor }) => startTotpEnrolment(actor),
});
