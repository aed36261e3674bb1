import { defineRoute } from "@/app/api/_lib/define-route";
import { getSignInPolicy, setSignInPolicy } from "@/lib/account/policy";
import { signInPolicyDtoSchema, signInPolicySchema } from "@/lib/account/schemas";

export const GET = defineRoute({
  operationId: "getSignInPolicy",
  tags: ["people"],
  summary: "The sign-in policy: the roles that must use a second factor with password sign-in, and how many people it covers have none yet",
  permission: "users:manage",
  responses: { 200: { schema: signInPolicyDtoSchema } },
  errors: [403],
  handler: async ({ actor }) => getSignInPolicy(actor),
});

export const PUT = defineRoute({
  operationId: "setSignInPolicy",
  tags: ["people"],
  summary:
    "Require a second factor of these roles (all roles: everyone); people without one are sent to set it up. 409 CONFIRMATION_REQUIRED when it newly covers you without a second factor (send confirm: true); 409 when no second factor can be set up here. Audited signin_policy.changed",
  permission: "users:manage",
  body: { schema: signInPolicySchema },
  responses: { 200: { schema: signInPolicyDtoSchema } },
  errors: [403, 409],
  handler: async ({ actor, body }) => setSignInPolicy(actor, body),
});
