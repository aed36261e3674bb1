import { defineRoute } from "@/app/api/_lib/define-route";
import { getUser, updateUser } from "@/lib/people/service";
import { userDtoSchema, userPatchSchema, userParamsSchema } from "@/lib/people/schemas";

export const GET = defineRoute({
  operationId: "getUser",
  tags: ["people"],
  summary: "One person: role, skills, groups, manager (inactive people: users:manage only)",
  permission: "users:read",
  params: userParamsSchema,
  responses: { 200: { schema: userDtoSchema } },
  errors: [404],
  handler: async ({ actor, params }) => getUser(actor, params.id),
});

export const PATCH = defineRoute({
  operationId: "updateUser",
  tags: ["people"],
  summary: "Change a person's name, role, skills, groups or manager (no reporting loops). Audited user.updated with before/after",
  permission: "users:manage",
  params: userParamsSchema,
  body: { schema: userPatchSchema },
  responses: { 200: { schema: userDtoSchema } },
  errors: [404],
  handler: async ({ actor, params, body }) => updateUser(actor, params.id, body),
});
