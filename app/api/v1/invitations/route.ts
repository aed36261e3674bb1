import { defineRoute } from "@/app/api/_lib/define-route";
import { json } from "@/lib/http/responses";
import { invitePerson } from "@/lib/people/invitations";
import { invitationResultSchema, inviteInputSchema } from "@/lib/people/schemas";

export const POST = defineRoute({
  operationId: "invitePerson",
  tags: ["people"],
  summary:
    "Invite a new person by e-mail with their role, groups, skills and manager: a one-time link (7 days) to set a password or sign in with SSO. Audited user.invited",
  permission: "users:manage",
  body: { schema: inviteInputSchema },
  responses: { 201: { schema: invitationResultSchema } },
  errors: [409],
  handler: async ({ actor, body }) => json(await invitePerson(actor, body), { status: 201 }),
});
