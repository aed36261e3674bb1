import { z } from "zod";
import { roleSchema } from "../identity/permissions";
import { newPasswordSchema } from "../identity/schemas";

// The organisation as administrators manage it (GET/PATCH /api/v1/users…): one schema per shape,
// shared by the API, the admin pages and the DTOs.

const personRef = z.object({ id: z.string(), name: z.string() });
const groupRef = z.object({ id: z.string(), key: z.string(), name: z.string() });

/** `{id}` of /api/v1/users/{id}/… */
export const userParamsSchema = z.object({ id: z.string().max(100).meta({ description: "The person's user id" }) });

/** A person as the directory and the administration show them. */
export const userDtoSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  role: roleSchema,
  active: z.boolean(),
  skills: z.array(z.string()),
  groups: z.array(groupRef),
  /** Their manager: the reporting line escalations follow ("supervisor" in the data model). */
  manager: personRef.nullable(),
  createdAt: z.string(),
  lastLoginAt: z.string().nullable(),
  /** Invited and not yet signed in: the latest invitation's state (null once they have accepted, or were never invited). */
  invitation: z.object({ status: z.enum(["pending", "expired", "revoked"]), expiresAt: z.string() }).nullable(),
});
export type UserDto = z.infer<typeof userDtoSchema>;

export const userListSchema = z.object({ data: z.array(userDtoSchema), nextCursor: z.string().nullable() });
export type UserList = z.infer<typeof userListSchema>;

export const USER_STATUSES = ["active", "inactive", "all"] as const;

/** `?q=&role=&group=&skill=&status=&cursor=&limit=` */
export const userListQuerySchema = z.object({
  q: z.string().trim().max(100).optional(),
  role: roleSchema.optional(),
  group: z.string().trim().min(1).max(100).optional().meta({ description: "Group key" }),
  skill: z.string().trim().min(1).max(100).optional(),
  status: z.enum(USER_STATUSES).default("active").meta({ description: "inactive and all: users:manage only" }),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type UserListQuery = z.infer<typeof userListQuerySchema>;

export const skill = z.string().trim().min(1).max(100).regex(/^[\p{L}\p{N}_.:-]+$/u, "letters, digits, _ . : - only");

/** PATCH /api/v1/users/{id}: only what is sent changes. */
export const userPatchSchema = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    role: roleSchema.optional(),
    skills: z.array(skill).max(50).optional(),
    /** The groups (by key) they belong to: the whole list. */
    groups: z.array(z.string().trim().min(1).max(100)).max(100).optional(),
    /** Their manager's id or e-mail; null: none. */
    managerId: z.string().trim().min(1).max(254).nullable().optional(),
    reason: z.string().trim().max(2000).optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).some((k) => k !== "reason"), { message: "Nothing to change." });
export type UserPatch = z.infer<typeof userPatchSchema>;

/** POST /api/v1/users/{id}/deactivate */
export const deactivateInputSchema = z
  .object({
    reason: z.string().trim().min(1, "Say why").max(2000),
    /** A colleague (id or e-mail) who takes all their open work; otherwise it is routed again. */
    reassignTo: z.string().trim().min(1).max(254).nullable().optional(),
  })
  .strict();
export type DeactivateInput = z.infer<typeof deactivateInputSchema>;

export const reactivateInputSchema = z.object({ reason: z.string().trim().max(2000).optional() }).strict();

/** What deactivation did, beside the person as they now are. */
export const deactivationDtoSchema = userDtoSchema.extend({
  reroutedTasks: z.number().int(),
  revokedTokens: z.number().int(),
});
export type DeactivationDto = z.infer<typeof deactivationDtoSchema>;

/** A group as the administration lists it. */
export const groupDtoSchema = z.object({
  id: z.string(),
  key: z.string(),
  name: z.string(),
  supervisor: personRef.nullable(),
  memberCount: z.number().int(),
});
export type GroupDto = z.infer<typeof groupDtoSchema>;
export const groupListSchema = z.object({ data: z.array(groupDtoSchema) });

// ── invitations ────────────────────────────────────────────────────────────────────────────────

/** POST /api/v1/invitations: a new person, invited by e-mail. */
export const inviteInputSchema = z
  .object({
    name: z.string().trim().min(1, "Enter their name").max(200),
    email: z.email("Enter an e-mail address").max(254).transform((e) => e.toLowerCase()),
    role: roleSchema.default("MEMBER"),
    groups: z.array(z.string().trim().min(1).max(100)).max(100).default([]),
    skills: z.array(skill).max(50).default([]),
    /** Their manager's id or e-mail. */
    managerId: z.string().trim().min(1).max(254).nullable().optional(),
  })
  .strict();
export type InviteInput = z.input<typeof inviteInputSchema>;

/** What inviting (or resending) did: the person, and whether the e-mail went out. */
export const invitationResultSchema = z.object({
  user: userDtoSchema,
  expiresAt: z.string(),
  /** False when no SMTP server is configured or it refused the message: resend later. */
  emailSent: z.boolean(),
});
export type InvitationResult = z.infer<typeof invitationResultSchema>;

const inviteToken = z.string().trim().min(20).max(200);

/** POST /api/v1/invitations/lookup: what the invite page shows before the password is set. */
export const invitationLookupInputSchema = z.object({ token: inviteToken }).strict();
export const invitationLookupSchema = z.object({
  name: z.string(),
  email: z.string(),
  expiresAt: z.string(),
  /** Password sign-in is on: the invitee may set a password. */
  passwordSignIn: z.boolean(),
  /** Single sign-on is configured: its button's name ("Sign in with …"). */
  sso: z.string().nullable(),
});
export type InvitationLookup = z.infer<typeof invitationLookupSchema>;

/** The rules for a new password (the invite page's form and the API alike). */

/** POST /api/v1/invitations/accept */
export const invitationAcceptSchema = z.object({ token: inviteToken, password: newPasswordSchema }).strict();
export const invitationAcceptedSchema = z.object({ email: z.string() });

// ── groups ─────────────────────────────────────────────────────────────────────────────────────

export const groupParamsSchema = z.object({ key: z.string().max(100).meta({ description: "Group key" }) });
const groupKey = z
  .string()
  .trim()
  .min(2, "At least 2 characters")
  .max(100)
  .regex(/^[a-z0-9][a-z0-9_.:-]*$/, "lower-case letters, digits and _ . : - only, starting with a letter or digit");

/** A group as its page shows it. */
export const groupDetailSchema = groupDtoSchema.extend({
  description: z.string().nullable(),
  skills: z.array(z.string()),
  archivedAt: z.string().nullable(),
  /** Set when SCIM provisions it: the identity provider owns it. */
  externalId: z.string().nullable(),
  createdAt: z.string(),
});
export type GroupDetail = z.infer<typeof groupDetailSchema>;

export const GROUP_STATUSES = ["active", "archived", "all"] as const;
/** `?q=&status=&cursor=&limit=` */
export const groupListQuerySchema = z.object({
  q: z.string().trim().max(100).optional(),
  status: z.enum(GROUP_STATUSES).default("active"),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(500),
});
export const groupPageSchema = z.object({ data: z.array(groupDetailSchema), nextCursor: z.string().nullable() });
export type GroupPage = z.infer<typeof groupPageSchema>;

/** POST /api/v1/groups */
export const groupCreateSchema = z
  .object({
    key: groupKey,
    name: z.string().trim().min(1, "Enter a name").max(200),
    description: z.string().trim().max(2000).nullable().optional(),
    /** The supervisor's id or e-mail. */
    supervisorId: z.string().trim().min(1).max(254).nullable().optional(),
    skills: z.array(skill).max(50).default([]),
  })
  .strict();
export type GroupCreate = z.input<typeof groupCreateSchema>;

/** PATCH /api/v1/groups/{key}: only what is sent changes (the key never does). */
export const groupPatchSchema = z
  .object({
    name: z.string().trim().min(1, "Enter a name").max(200).optional(),
    description: z.string().trim().max(2000).nullable().optional(),
    supervisorId: z.string().trim().min(1).max(254).nullable().optional(),
    skills: z.array(skill).max(50).optional(),
    reason: z.string().trim().max(2000).optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).some((k) => k !== "reason"), { message: "Nothing to change." });
export type GroupPatch = z.infer<typeof groupPatchSchema>;

export const groupArchiveSchema = z.object({ reason: z.string().trim().max(2000).optional() }).strict();

/** POST /api/v1/groups/{key}/members: people by id or e-mail. */
export const groupMembersAddSchema = z.object({ people: z.array(z.string().trim().min(1).max(254)).min(1).max(200) }).strict();
export const groupMemberParamsSchema = groupParamsSchema.extend({ userId: z.string().max(100).meta({ description: "The member's user id" }) });
/** `?q=&cursor=&limit=` */
export const groupMembersQuerySchema = z.object({
  q: z.string().trim().max(100).optional(),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const groupMemberSchema = z.object({ id: z.string(), name: z.string(), email: z.string(), role: roleSchema, active: z.boolean(), skills: z.array(z.string()) });
export const groupMembersPageSchema = z.object({ data: z.array(groupMemberSchema), nextCursor: z.string().nullable() });
export type GroupMembersPage = z.infer<typeof groupMembersPageSchema>;

// ── org chart ──────────────────────────────────────────────────────────────────────────────────

/** `?manager=&q=&cursor=&limit=`: a manager's direct reports (none: the top of the chart), or a search. */
export const orgChartQuerySchema = z.object({
  manager: z.string().trim().min(1).max(100).optional().meta({ description: "A person's id: their direct reports. Absent: people with no manager" }),
  q: z.string().trim().min(1).max(100).optional().meta({ description: "Name or e-mail: matching people anywhere, each with their chain of managers" }),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type OrgChartQuery = z.infer<typeof orgChartQuerySchema>;
export const orgChartNodeSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  role: roleSchema,
  /** Open tasks assigned to them (claimed or not). */
  openLoad: z.number().int(),
  /** How many people report to them directly. */
  reports: z.number().int(),
  /** Their managers, top first (search results only; empty otherwise). */
  path: z.array(personRef),
});
export type OrgChartNode = z.infer<typeof orgChartNodeSchema>;
export const orgChartPageSchema = z.object({ data: z.array(orgChartNodeSchema), nextCursor: z.string().nullable() });
export type OrgChartPage = z.infer<typeof orgChartPageSchema>;
