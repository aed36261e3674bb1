import { z } from "zod";
import { roleSchema } from "../identity/permissions";

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

const skill = z.string().trim().min(1).max(100).regex(/^[\p{L}\p{N}_.:-]+$/u, "letters, digits, _ . : - only");

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
