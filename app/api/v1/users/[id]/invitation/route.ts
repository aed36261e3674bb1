import { defineRoute } from "@/app/api/_lib/define-route";
import { resendInvitation, revokeInvitation } from "@/lib/people/invitations";
import { invitationResultSchema, userDtoSchema, userParamsSchema } from "@/lib/people/schemas";

export const POST = defineRoute({
  operationId: "resendInvitation",
  tags: ["people"],
  summary: "Send someone who has not joined yet a new invitation link; the earlier link stops working. Audited user.invitation_resent",
  permission: "users:manage",
  params: userParamsSchema,
  responses: { 200: { schema: invitationResultSchema } },
  errors: [404, 409],
  handler: async ({ actor, params }) => resendInvitation(actor, params.id),
});

export const DELETE = defineRoute({
  operationId: "revokeInvitation",
  tags: ["people"],
  summary: "Revoke someone's open invitation link (they stay listed; deactivate them to take them off work). Audited user.invitation_revoked",
  permission: "users:manage",
  params: userParamsSchema,
  responses: { 200: { schema: userDtoSchema } },
  errors: [404, 409],
  handler: async ({ actor, params }) => revokeInvitation(actor, params.id),
});
