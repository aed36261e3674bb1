import { defineRoute } from "@/app/api/_lib/define-route";
import { getSignInPolicy, setSignInPolicy } from "@/lib/account/policy";
import { signInPolicySchema } from "@/lib/account/schemas";

export const GET = defineRoute({
  operationId: "getSignInPolicy",
  tags: ["people"],
  summary: "The sign-in policy: the roles that must use a second factor with password sign-in",
  permission: "users:manage",
  responses: { 200: { schema: signInPolicySchema } },
  errors: [403],
  handler: async ({ actor }) => getSignInPolicy(actor),
});

export const PUT = defineRoute({
  operationId: "setSignInPolicy",
  tags: ["people"],
  summary: "Require a second factor of these roles (all roles: everyone); people without one set it up at their next sign-in. Audited signin_policy.changed",
  permission: "users:manage",
  body: { schema: signInPolicySchema },
  responses: { 200: { schema: signInPolicySchema } },
  errors: [403],
  handler: async ({ actor, body }) => setSignInPolicy(actor, body),
});
