import { defineRoute } from "@/app/api/_lib/define-route";
import { PASSWORD_RESET_CLIENT_LIMIT, requestPasswordReset } from "@/lib/account/password-reset";
import { passwordResetRequestSchema, passwordResetRequestedSchema } from "@/lib/account/schemas";
import { clientMeta } from "@/lib/http/request-meta";

// Public: nobody is signed in when they forgot their password. The answer is the same whether or
// not the address has an account (ADR 037); limited per client address (429) and, silently, per address.
export const POST = defineRoute({
  operationId: "requestPasswordReset",
  tags: ["people"],
  summary: "Forgot password: e-mails a one-time link (30 minutes) to a person with a password. The same answer for any address. Audited user.password_reset_requested",
  public: true,
  clientRateLimit: PASSWORD_RESET_CLIENT_LIMIT,
  body: { schema: passwordResetRequestSchema },
  responses: { 200: { schema: passwordResetRequestedSchema } },
  errors: [404, 429],
  handler: async ({ req, body, requestId }) => requestPasswordReset(body, { ...clientMeta(req.headers), requestId }),
});
