import { defineRoute } from "@/app/api/_lib/define-route";
import { PASSWORD_RESET_CLIENT_LIMIT, resetPassword } from "@/lib/account/password-reset";
import { passwordResetDoneSchema, passwordResetSchema } from "@/lib/account/schemas";
import { clientMeta } from "@/lib/http/request-meta";

export const POST = defineRoute({
  operationId: "resetPassword",
  tags: ["people"],
  summary: "Set a new password with the token from a reset e-mail (once, within 30 minutes); every session of the person ends. Audited user.password_reset",
  public: true,
  clientRateLimit: PASSWORD_RESET_CLIENT_LIMIT,
  body: { schema: passwordResetSchema },
  responses: { 200: { schema: passwordResetDoneSchema } },
  errors: [404, 429],
  handler: async ({ req, body, requestId }) => resetPassword(body, { ...clientMeta(req.headers), requestId }),
});
