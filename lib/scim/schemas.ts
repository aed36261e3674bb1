import { z } from "zod";

// SCIM 2.0 (RFC 7643 resources, RFC 7644 protocol) as identity providers send it. Entra ID sends
// booleans as "True"/"False" strings and capitalised operation names; Okta sends `replace` without
// a path. The schemas accept both and leave attributes Baton does not keep to be ignored.

export const SCIM = {
  USER: "urn:ietf:params:scim:schemas:core:2.0:User",
  GROUP: "urn:ietf:params:scim:schemas:core:2.0:Group",
  ENTERPRISE: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
  LIST: "urn:ietf:params:scim:api:messages:2.0:ListResponse",
  PATCH: "urn:ietf:params:scim:api:messages:2.0:PatchOp",
  ERROR: "urn:ietf:params:scim:api:messages:2.0:Error",
  SERVICE_PROVIDER_CONFIG: "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig",
  RESOURCE_TYPE: "urn:ietf:params:scim:schemas:core:2.0:ResourceType",
  SCHEMA: "urn:ietf:params:scim:schemas:core:2.0:Schema",
} as const;

export const SCIM_MEDIA_TYPE = "application/scim+json";

/** true/false, or Entra ID's "True"/"False". */
export const scimBoolean = z.union([z.boolean(), z.enum(["true", "false", "True", "False", "TRUE", "FALSE"]).transform((v) => v.toLowerCase() === "true")]);

const text = (max: number) => z.string().trim().max(max);

/** A reference to another resource: its id as a string or as `{ value }`. */
export const scimReference = z.union([z.string().trim().max(100), z.object({ value: z.string().trim().max(100).nullish() }).loose()]).nullish();

export const scimUserSchema = z
  .object({
    userName: text(254).min(1, "userName is required"),
    externalId: text(255).nullish(),
    displayName: text(200).nullish(),
    name: z.object({ formatted: text(200).nullish(), givenName: text(100).nullish(), familyName: text(100).nullish() }).loose().nullish(),
    active: scimBoolean.optional(),
    emails: z.array(z.object({ value: text(254), primary: scimBoolean.optional(), type: z.string().max(50).optional() }).loose()).max(20).optional(),
    timezone: text(64).nullish(),
    [SCIM.ENTERPRISE]: z.object({ manager: scimReference }).loose().nullish(),
  })
  .loose();
export type ScimUserInput = z.infer<typeof scimUserSchema>;

export const scimMemberSchema = z.object({ value: z.string().trim().min(1).max(100) }).loose();

export const scimGroupSchema = z
  .object({
    displayName: text(200).min(1, "displayName is required"),
    externalId: text(255).nullish(),
    members: z.array(scimMemberSchema).max(10_000).optional(),
  })
  .loose();
export type ScimGroupInput = z.infer<typeof scimGroupSchema>;

export const patchOperationSchema = z
  .object({
    op: z.string().transform((v) => v.toLowerCase()).pipe(z.enum(["add", "replace", "remove"])),
    path: z.string().trim().min(1).max(500).optional(),
    value: z.unknown().optional(),
  })
  .loose();
export type PatchOperation = z.infer<typeof patchOperationSchema>;

export const patchRequestSchema = z
  .object({
    schemas: z.array(z.string()).refine((s) => s.includes(SCIM.PATCH), `schemas must include ${SCIM.PATCH}`),
    Operations: z.array(patchOperationSchema).min(1).max(1000),
  })
  .loose();

/** startIndex (1-based) and count of a list request. */
export const listQuerySchema = z.object({
  filter: z.string().max(1000).optional(),
  startIndex: z.coerce.number().int().catch(1).default(1).transform((n) => Math.max(1, n)),
  count: z.coerce.number().int().catch(100).default(100).transform((n) => Math.min(Math.max(0, n), 200)),
  excludedAttributes: z.string().max(500).optional(),
  attributes: z.string().max(500).optional(),
});
export type ListQuery = z.infer<typeof listQuerySchema>;
