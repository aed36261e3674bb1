import { z } from "zod";

// Named secrets: credentials HTTP steps use (an ERP token, a webhook password). A definition
// refers to one by name in a header template, `Authorization: "Bearer {{secrets.erp_token}}"`;
// the value is only ever decrypted inside the worker, at call time.

export const SECRET_NAME_RE = /^[a-z][a-z0-9_]{0,62}$/;
const secretNameSchema = z.string().regex(SECRET_NAME_RE, "must start with a lowercase letter: lowercase letters, digits and _, at most 63");
const secretValueSchema = z.string().min(1, "The value is required").max(8192, "must be at most 8192 characters");

/** A host name as in a URL (lower case, no scheme, port or path): where a secret may be sent. */
const secretHostSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/, "must be a host name such as erp.example.com (no scheme, port or path)")
  .max(253);
/** The hosts a secret may be sent to: at least one (a secret sent nowhere is of no use). */
const allowedHostsSchema = z.array(secretHostSchema).min(1, "Name at least one host this secret may be sent to").max(20);

/** The hosts field as people type it: comma- or space-separated. */
export function splitHosts(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((h) => h.trim())
    .filter(Boolean);
}

export const createSecretSchema = z
  .object({
    name: secretNameSchema,
    value: secretValueSchema,
    description: z.string().trim().max(500).default(""),
    allowedHosts: allowedHostsSchema,
  })
  .strict();
export type CreateSecretInput = z.input<typeof createSecretSchema>;

export const rotateSecretSchema = z
  .object({
    value: secretValueSchema,
    description: z.string().trim().max(500).optional(),
    allowedHosts: allowedHostsSchema.optional(),
  })
  .strict();
export type RotateSecretInput = z.input<typeof rotateSecretSchema>;

/** What the API shows about a secret: never its value. */
export const secretDtoSchema = z.object({
  name: z.string(),
  description: z.string(),
  allowedHosts: z.array(z.string()).meta({ description: "The hosts this secret may be sent to; a definition that sends it elsewhere is refused" }),
  revision: z.number().int().meta({ description: "1 as created, +1 on every rotation" }),
  createdByName: z.string(),
  createdAt: z.string(),
  rotatedAt: z.string().nullable(),
  rotatedByName: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  /** Process versions (ACTIVE ones) whose HTTP steps refer to it. */
  usedBy: z.array(z.object({ key: z.string(), version: z.number().int() })),
  /** False when it was encrypted with a key the server no longer has (see BATON_SECRETS_KEY_PREVIOUS). */
  readable: z.boolean(),
});
export type SecretDto = z.infer<typeof secretDtoSchema>;

export const secretListSchema = z.object({
  data: z.array(secretDtoSchema),
  /** False while BATON_SECRETS_KEY is not set: secrets can be neither created nor used. */
  enabled: z.boolean(),
});
export type SecretList = z.infer<typeof secretListSchema>;
