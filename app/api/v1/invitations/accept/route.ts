import { defineRoute } from "@/app/api/_lib/define-route";
import { clientMeta } from "@/lib/http/request-meta";
import { INVITATION_CLIENT_LIMIT, acceptInvitation } from "@/lib/people/invitations";
import { invitationAcceptSchema, invitationAcceptedSchema } from "@/lib/people/schemas";

export const POST = defineRoute({
  operationId: "acceptInvitation",
  tags: ["people"],
  summary: "Set one's password with an invitation link, once (404 for any link not valid any more). Audited user.invitation_accepted",
  public: true,
  clientRateLimit: INVITATION_CLIENT_LIMIT,
  body: { schema: invitationAcceptSchema },
  responses: { 200: { schema: invitationAcceptedSchema } },
  errors: [404, 409],
  handler: async ({ req, body, requestId }) => acceptInvitation(body, { ...clientMeta(req.headers), requestId }),
});
