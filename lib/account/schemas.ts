import { z } from "zod";
import { ROLES, roleSchema } from "../identity/permissions";
import { newPasswordSchema } from "../identity/schemas";

// Account security (issue #20, ADR 037): password reset, the TOTP second factor and the sign-in
// policy. One schema per shape: the API bodies, the forms and the DTOs.


export const passwordResetRequestSchema = z.object({
  email: z.string().trim().toLowerCase().email("Enter the e-mail address you sign in with").max(254),
});
export type PasswordResetRequest = z.infer<typeof passwordResetRequestSchema>;

/** The same answer whether or not the address has an account (no enumeration). */
export const passwordResetRequestedSchema = z.object({ accepted: z.literal(true), message: z.string() });
export type PasswordResetRequestedDto = z.infer<typeof passwordResetRequestedSchema>;

export const passwordResetSchema = z.object({
  token: z.string().trim().min(20, "This reset link is incomplete").max(200),
  password: newPasswordSchema,
});
export type PasswordResetInput = z.infer<typeof passwordResetSchema>;
export const passwordResetDoneSchema = z.object({ reset: z.literal(true), email: z.string() });
export type PasswordResetDoneDto = z.infer<typeof passwordResetDoneSchema>;

/** A six-digit authenticator code, or a recovery code (xxxx-xxxx-xxxx-xxxx). */
export const secondFactorCodeSchema = z
  .string()
  .trim()
  .min(6, "Enter the 6-digit code from your authenticator app, or a recovery code")
  .max(40);

export const totpStatusSchema = z.object({
  enabled: z.boolean(),
  enabledAt: z.string().nullable(),
  /** Recovery codes not yet used. */
  recoveryCodesLeft: z.number().int(),
  /** Whether the sign-in policy requires a second factor of this person (their role). */
  required: z.boolean(),
  /** Whether password sign-in is on at all (the second factor guards only that). */
  passwordSignIn: z.boolean(),
});
export type TotpStatusDto = z.infer<typeof totpStatusSchema>;

/** A started enrolment: the secret (shown once, for typing it in) and its QR code. */
export const totpEnrolmentSchema = z.object({
  secret: z.string(),
  otpauthUri: z.string(),
  /** The otpauth URI as a QR code (an SVG data URL). */
  qrCode: z.string(),
});
export type TotpEnrolmentDto = z.infer<typeof totpEnrolmentSchema>;

export const confirmTotpSchema = z.object({ code: z.string().trim().regex(/^\d{6}$/, "Enter the 6-digit code your app shows") });
export const totpConfirmedSchema = z.object({ enabled: z.literal(true), recoveryCodes: z.array(z.string()).length(10) });
export type TotpConfirmedDto = z.infer<typeof totpConfirmedSchema>;

export const disableTotpSchema = z.object({
  password: z.string().min(1, "Enter your password").max(512),
  code: secondFactorCodeSchema,
});

export const signInPolicySchema = z.object({
  /** The roles whose people must use a second factor with password sign-in; every role: everyone. */
  mfaRequiredRoles: z.array(roleSchema).max(ROLES.length),
  /**
   * Go ahead although the change covers you and you have no second factor: your session is sent to
   * set one up at once (ADR 053). Without it such a change is refused with 409 CONFIRMATION_REQUIRED.
   */
  confirm: z.boolean().optional(),
});
export type SignInPolicyInput = z.input<typeof signInPolicySchema>;

export const signInPolicyDtoSchema = z.object({
  mfaRequiredRoles: z.array(roleSchema),
  /** Active people the policy covers who sign in with a password and have no second factor yet: each is sent to set one up. */
  withoutSecondFactor: z.number().int(),
  /** The caller is one of them: their session reaches only the enrolment until the factor is on. */
  enrolmentRequired: z.boolean(),
  /** Where to set it up, when enrolmentRequired. */
  enrolAt: z.string().nullable(),
});
export type SignInPolicyDto = z.infer<typeof signInPolicyDtoSchema>;
