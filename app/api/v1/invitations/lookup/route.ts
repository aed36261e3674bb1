import { defineRoute } from "@/app/api/_lib/define-route";
import { INVITATION_CLIENT_LIMIT, lookupInvitation } from "@/lib/people/invitations";
import { invitationLookupInputSchema, invitationLookupSchema } from "@/lib/people/schemas";

// Public: the invite page reads its link (the token travels in the body, never in a URL).
export const POST = defineRoute({
  operationId: "lookupInvitation",
  tags: ["people"],
  summary: "Who an invitation link is for, and how they may sign in (404 for any link not valid any more)",
  public: true,
  clientRateLimit: INVITATION_CLIENT_LIMIT,
  body: { schema: invitationLookupInputSchema },
  responses: { 200: { schema: invitationLookupSchema } },
  errors: [404],
  handler: async ({ body }) => lookupInvitation(body),
});
