import { ZodError } from "zod";

// One error model for the whole system. Services throw AppError with a stable code; the HTTP
// layer maps codes to statuses and serialises RFC 9457 problem details; workers treat
// "already done" codes as success.
export const ERROR_STATUS = {
  BAD_REQUEST: 400,
  // A process step would send a named secret to a host the secret does not allow.
  SECRET_HOST_NOT_ALLOWED: 400,
  // A browser request with a session cookie that is not from Baton's own pages (CSRF defence).
  CROSS_SITE_REQUEST: 403,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  SOD_VIOLATION: 403,
  // The sign-in policy requires a second factor this person has not set up: only enrolment answers (ADR 044).
  MFA_ENROLMENT_REQUIRED: 403,
  // "Nobody approves two steps of the same case": the person decided an earlier step of the instance.
  SOD_EARLIER_STEP: 403,
  // E-mail action links (ADR 047): signed in as someone else than the person the link was sent to.
  EMAIL_LINK_WRONG_PERSON: 403,
  // The link's signature does not hold, or it names no link.
  EMAIL_LINK_INVALID: 404,
  NOT_FOUND: 404,
  TASK_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  TASK_ALREADY_DECIDED: 409,
  TASK_CLAIMED_BY_OTHER: 409,
  TASK_NOT_ACTIONABLE: 409,
  // Four-eyes: the same person tried to give a second approval.
  DUPLICATE_APPROVAL: 409,
  IDEMPOTENCY_KEY_REUSED: 409,
  // Undo window: the decision already took effect (its window closed), or there is nothing to undo.
  UNDO_WINDOW_CLOSED: 409,
  // An e-mail action link already spent (single use), or past its expiry.
  EMAIL_LINK_USED: 409,
  EMAIL_LINK_EXPIRED: 410,
  VERSION_MISMATCH: 412,
  PRECONDITION_REQUIRED: 428,
  // A change with a consequence for the caller themself (ADR 053): sent again with `confirm: true`, it goes ahead.
  CONFIRMATION_REQUIRED: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  VALIDATION_FAILED: 422,
  // Decision tables: an invalid .dmn upload, an evaluation the table cannot answer (UNIQUE/ANY
  // violation, input of the wrong type), and a publish blocked by failing test cases.
  DMN_INVALID: 422,
  DECISION_EVALUATION_FAILED: 422,
  DECISION_TEST_CASES_FAILED: 409,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  SERVICE_UNAVAILABLE: 503,
} as const;

type ErrorCode = keyof typeof ERROR_STATUS;

export interface FieldError {
  path: string;
  message: string;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: Record<string, unknown>;
  readonly fieldErrors?: FieldError[];

  constructor(code: ErrorCode, message: string, opts: { details?: Record<string, unknown>; fieldErrors?: FieldError[] } = {}) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.details = opts.details;
    this.fieldErrors = opts.fieldErrors;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export function isAppError(e: unknown, code?: ErrorCode): e is AppError {
  return e instanceof AppError && (code === undefined || e.code === code);
}

export function fromZodError(err: ZodError, what = "Request"): AppError {
  const fieldErrors = err.issues.map((i) => ({ path: i.path.join(".") || "(root)", message: i.message }));
  const first = fieldErrors[0];
  const summary = first ? `${first.path}: ${first.message}` : "invalid";
  return new AppError("VALIDATION_FAILED", `${what} is invalid — ${summary}`, { fieldErrors });
}

/** Validates `input` against `schema`; a mismatch is a 422 naming `what` and each field. */
export function parse<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: ZodError } }, input: unknown, what: string): T {
  const r = schema.safeParse(input);
  if (!r.success) throw fromZodError(r.error, what);
  return r.data;
}

interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  errors?: FieldError[];
  [key: string]: unknown;
}

const TITLES: Partial<Record<number, string>> = {
  400: "Bad request",
  401: "Authentication required",
  403: "Forbidden",
  404: "Not found",
  405: "Method not allowed",
  409: "Conflict",
  410: "Gone",
  412: "Precondition failed",
  413: "Payload too large",
  415: "Unsupported media type",
  422: "Validation failed",
  428: "Precondition required",
  429: "Too many requests",
  500: "Internal server error",
  503: "Service unavailable",
};

export function toProblem(err: AppError, instance?: string): ProblemDetails {
  return {
    type: `https://baton.dev/problems/${err.code.toLowerCase().replace(/_/g, "-")}`,
    title: TITLES[err.status] ?? "Error",
    status: err.status,
    detail: err.message,
    code: err.code,
    ...(instance ? { instance } : {}),
    ...(err.fieldErrors ? { errors: err.fieldErrors } : {}),
    ...(err.details ?? {}),
  };
}
