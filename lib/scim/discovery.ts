import { SCIM } from "./schemas";

// The discovery endpoints (RFC 7644 section 4): what this service provider supports, its resource
// types and the schemas of the attributes it keeps. Identity providers read them to decide which
// requests to send; they describe exactly what lib/scim/users.ts and groups.ts do.

export const MAX_RESULTS = 200;

export function serviceProviderConfig(baseUrl: string) {
  return {
    schemas: [SCIM.SERVICE_PROVIDER_CONFIG],
    documentationUri: "https://github.com/baton/baton/blob/main/docs/identity.md",
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_RESULTS },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: true },
    authenticationSchemes: [
      { type: "oauthbearertoken", name: "Bearer token", description: "A Baton API token with the scim:provision scope, owned by a service account", primary: true },
    ],
    meta: { resourceType: "ServiceProviderConfig", location: `${baseUrl}/ServiceProviderConfig` },
  };
}

export function resourceTypes(baseUrl: string) {
  return [
    {
      schemas: [SCIM.RESOURCE_TYPE],
      id: "User",
      name: "User",
      endpoint: "/Users",
      description: "A person who works in Baton",
      schema: SCIM.USER,
      schemaExtensions: [{ schema: SCIM.ENTERPRISE, required: false }],
      meta: { resourceType: "ResourceType", location: `${baseUrl}/ResourceTypes/User` },
    },
    {
      schemas: [SCIM.RESOURCE_TYPE],
      id: "Group",
      name: "Group",
      endpoint: "/Groups",
      description: "A group: a queue tasks are routed to",
      schema: SCIM.GROUP,
      meta: { resourceType: "ResourceType", location: `${baseUrl}/ResourceTypes/Group` },
    },
  ];
}

type Attribute = Record<string, unknown>;

function attribute(name: string, opts: { type?: string; required?: boolean; multiValued?: boolean; mutability?: string; uniqueness?: string; caseExact?: boolean; description: string; subAttributes?: Attribute[]; referenceTypes?: string[] }): Attribute {
  return {
    name,
    type: opts.type ?? "string",
    multiValued: opts.multiValued ?? false,
    description: opts.description,
    required: opts.required ?? false,
    caseExact: opts.caseExact ?? false,
    mutability: opts.mutability ?? "readWrite",
    returned: "default",
    uniqueness: opts.uniqueness ?? "none",
    ...(opts.subAttributes ? { subAttributes: opts.subAttributes } : {}),
    ...(opts.referenceTypes ? { referenceTypes: opts.referenceTypes } : {}),
  };
}

export function schemas(baseUrl: string) {
  const user = {
    schemas: [SCIM.SCHEMA],
    id: SCIM.USER,
    name: "User",
    description: "A person; userName is their e-mail address (their sign-in name)",
    attributes: [
      attribute("userName", { required: true, uniqueness: "server", description: "The person's e-mail address" }),
      attribute("externalId", { caseExact: true, description: "The identity provider's id of the person" }),
      attribute("name", {
        type: "complex",
        description: "The person's name (Baton keeps one display name)",
        subAttributes: [
          attribute("formatted", { description: "The full name" }),
          attribute("givenName", { description: "Used for the display name when none is given" }),
          attribute("familyName", { description: "Used for the display name when none is given" }),
        ],
      }),
      attribute("displayName", { description: "The name shown in Baton" }),
      attribute("active", { type: "boolean", description: "false deactivates the person: sessions and tokens end, open work leaves them" }),
      attribute("emails", {
        type: "complex",
        multiValued: true,
        description: "The primary e-mail is used when userName is not an e-mail address",
        subAttributes: [attribute("value", { description: "An e-mail address" }), attribute("type", { description: "work" }), attribute("primary", { type: "boolean", description: "The primary address" })],
      }),
      attribute("timezone", { description: "IANA time zone (due dates and working hours)" }),
      attribute("groups", {
        type: "complex",
        multiValued: true,
        mutability: "readOnly",
        description: "The groups the person belongs to (changed through /Groups)",
        subAttributes: [attribute("value", { mutability: "readOnly", description: "The group's id" }), attribute("display", { mutability: "readOnly", description: "The group's name" })],
      }),
    ],
    meta: { resourceType: "Schema", location: `${baseUrl}/Schemas/${SCIM.USER}` },
  };
  const enterprise = {
    schemas: [SCIM.SCHEMA],
    id: SCIM.ENTERPRISE,
    name: "EnterpriseUser",
    description: "The enterprise extension: the person's manager (their supervisor in Baton)",
    attributes: [
      attribute("manager", {
        type: "complex",
        description: "Escalations to the assignee's manager go to this person",
        subAttributes: [
          attribute("value", { description: "The manager's id in Baton" }),
          attribute("displayName", { mutability: "readOnly", description: "The manager's name" }),
          attribute("$ref", { type: "reference", referenceTypes: ["User"], description: "The manager's URI" }),
        ],
      }),
    ],
    meta: { resourceType: "Schema", location: `${baseUrl}/Schemas/${SCIM.ENTERPRISE}` },
  };
  const group = {
    schemas: [SCIM.SCHEMA],
    id: SCIM.GROUP,
    name: "Group",
    description: "A group: a queue tasks are routed to",
    attributes: [
      attribute("displayName", { required: true, description: "The group's name" }),
      attribute("externalId", { caseExact: true, description: "The identity provider's id of the group" }),
      attribute("members", {
        type: "complex",
        multiValued: true,
        description: "The people in the group",
        subAttributes: [attribute("value", { mutability: "immutable", description: "The member's id" }), attribute("display", { mutability: "readOnly", description: "The member's name" })],
      }),
    ],
    meta: { resourceType: "Schema", location: `${baseUrl}/Schemas/${SCIM.GROUP}` },
  };
  return [user, enterprise, group];
}

export function listOf<T>(resources: T[]) {
  return { schemas: [SCIM.LIST], totalResults: resources.length, startIndex: 1, itemsPerPage: resources.length, Resources: resources };
}
