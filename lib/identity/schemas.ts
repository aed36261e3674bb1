import { z } from "zod";
import { permissionSchema, roleSchema } from "./permissions";

/** A password a person chooses (reset, invitation): one rule everywhere. */
export const newPasswordSchema = z
  .string()
  .min(12, "Use at least 12 characters")
  .max(512, "Use at most 512 characters")
  .refine((p) => p.trim().length >= 12, "Use at least 12 characters that are not spaces");

export const credentialsSchema = z.object({
  email: z.email("Enter a valid e-mail address").max(254).transform((s) => s.toLowerCase().trim()),
  password: z.string().min(1, "Enter your password").max(512),
  /** The second factor (a TOTP code or a recovery code), sent in a second step when asked for. */
  code: z.string().trim().max(40).optional().transform((c) => c || undefined),
});
export type Credentials = z.infer<typeof credentialsSchema>;

export const createTokenSchema = z.object({
  name: z.string().trim().min(1, "Name is required").max(80),
  role: roleSchema,
  scopes: z.array(permissionSchema).max(20).default([]),
  /** Who the token acts for: a service account (id or name) or the caller themself (the default). Never more than their rights. */
  owner: z.string().trim().min(1).max(254).optional(),
  /** Days until it expires: 90 unless given, at most 365 (M7). */
  expiresInDays: z.number().int().min(1).max(365).default(90),
  /** Requests a minute for this token (429 past it); omitted: the installation's API_RATE_LIMIT_PER_MINUTE; 0: not limited. */
  rateLimitPerMinute: z.number().int().min(0).max(10_000_000).optional(),
});
export type CreateTokenInput = z.input<typeof createTokenSchema>;

export const tokenDtoSchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  role: roleSchema,
  scopes: z.array(z.string()),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
  /** The person or service account whose rights the token acts with. */
  owner: z
    .object({
      id: z.string(),
      name: z.string(),
      kind: z.enum(["PERSON", "SERVICE"]),
      /** False once deactivated: the token is revoked then and stays so (ADR 031, 053). */
      active: z.boolean(),
      /**
       * The owner is out of office now (ADR 053): the token keeps working for them, with their own
       * rights, never their delegate's; shown so that use during an absence stands out.
       */
      outOfOffice: z.object({ until: z.string().nullable(), delegate: z.string().nullable() }).nullable(),
    })
    .nullable(),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  /** null: the installation's default limit; 0: not limited. */
  rateLimitPerMinute: z.number().int().nullable(),
});
export type TokenDto = z.infer<typeof tokenDtoSchema>;

export const createdTokenSchema = tokenDtoSchema.extend({
  /** The secret, shown once. */
  token: z.string(),
});
export type CreatedTokenDto = z.infer<typeof createdTokenSchema>;

const userSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  role: roleSchema,
});

/** An IANA time zone this runtime knows ("Europe/Berlin"); due filters and times use it. */
export const timeZoneSchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat("en", { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, "must be an IANA time zone such as Europe/Berlin");

/** A person's own preferences (/settings). Other sections (notifications…) add their own shapes. */
export const userSettingsSchema = z.object({
  /** WCAG 2.1.4: single-letter inbox shortcuts (j k a r i c x z ?) can be switched off. */
  shortcutsEnabled: z.boolean(),
  /** "Today" and "this week" in the inbox's due filter are computed in this zone. */
  timeZone: timeZoneSchema,
});
export type UserSettings = z.infer<typeof userSettingsSchema>;
export const updateUserSettingsSchema = userSettingsSchema.partial().strict();

export const meSchema = userSummarySchema.extend({
  permissions: z.array(permissionSchema),
  groups: z.array(z.object({ id: z.string(), key: z.string(), name: z.string() })),
  skills: z.array(z.string()),
  counts: z.object({
    mine: z.number(),
    group: z.number(),
    /** My tasks waiting for someone's answer. */
    infoRequested: z.number(),
    /** Questions put to me. */
    askedOfMe: z.number(),
    unreadNotifications: z.number(),
  }),
  settings: userSettingsSchema,
});
export type MeDto = z.infer<typeof meSchema>;

/** A person as others pick them (to ask, mention or assign). */
export const personDtoSchema = z.object({ id: z.string(), name: z.string(), email: z.string() });
export type PersonDto = z.infer<typeof personDtoSchema>;

const serviceAccountFields = {
  name: z
    .string()
    .trim()
    .min(2, "Name is required")
    .max(60)
    .regex(/^[a-z0-9][a-z0-9._-]*$/i, "letters, digits, dot, dash or underscore"),
  /** Group keys: the groups whose tasks it may see and decide (it becomes a member, but is never routed work). */
  groups: z.array(z.string().trim().min(1).max(100)).max(50),
  /** Process keys it may start ("*": any). */
  mayStartProcesses: z.array(z.string().trim().min(1).max(100)).max(50),
  /** Event "source type" pairs it may post ("source *": any type from that source). */
  mayPostEvents: z.array(z.string().trim().regex(/^\S{1,200} \S{1,200}$/, 'as "source type", e.g. "/erp com.acme.invoice.received"')).max(50),
};

/** A service account (ADR 021): a named, non-human owner of API tokens with explicit grants. */
export const createServiceAccountSchema = z.object({
  name: serviceAccountFields.name,
  role: roleSchema.default("MEMBER"),
  groups: serviceAccountFields.groups.default([]),
  mayStartProcesses: serviceAccountFields.mayStartProcesses.default([]),
  mayPostEvents: serviceAccountFields.mayPostEvents.default([]),
});
export type CreateServiceAccountInput = z.input<typeof createServiceAccountSchema>;

/** PATCH /api/v1/service-accounts/{id}: any of its name, role and grants, or (de)activation. */
export const updateServiceAccountSchema = z
  .object({
    name: serviceAccountFields.name.optional(),
    role: roleSchema.optional(),
    groups: serviceAccountFields.groups.optional(),
    mayStartProcesses: serviceAccountFields.mayStartProcesses.optional(),
    mayPostEvents: serviceAccountFields.mayPostEvents.optional(),
    /** false: deactivated: its tokens stop working at once; true: working again. */
    active: z.boolean().optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, { message: "Change at least one field." });
export type UpdateServiceAccountInput = z.input<typeof updateServiceAccountSchema>;

export const serviceAccountDtoSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: roleSchema,
  groups: z.array(z.string()),
  mayStartProcesses: z.array(z.string()),
  mayPostEvents: z.array(z.string()),
  active: z.boolean(),
  createdAt: z.string(),
});
export type ServiceAccountDto = z.infer<typeof serviceAccountDtoSchema>;
