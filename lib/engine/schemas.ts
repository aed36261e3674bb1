import { ENUMS } from "../generated/db/schema";
import { z } from "zod";
import { isoDayOrTime, queryInt } from "../fields";

export const INSTANCE_STATUSES = ENUMS.InstanceStatus;
const instanceStatusSchema = z.enum(INSTANCE_STATUSES);

export const startInstanceSchema = z
  .object({
    variables: z
      .record(z.string().max(100), z.unknown())
      .default({})
      .refine((v) => JSON.stringify(v).length <= 64 * 1024, { message: "must be at most 64 KB of JSON" }),
    businessKey: z.string().trim().min(1).max(200).optional(),
  })
  .strict();

const isoDay = isoDayOrTime();
export const instanceListQuerySchema = z.object({
  status: instanceStatusSchema.optional(),
  process: z.string().max(64).optional(),
  // Drill-down from the KPI dashboard (lib/kpi): a version, start/end windows (from inclusive,
  // to exclusive), instances with a run of `step` (in `stepStatus`) that ended in the end
  // window, and reworked instances (looped back to a completed step or asked for information).
  version: queryInt().min(1).optional(),
  startedFrom: isoDay.optional(),
  startedTo: isoDay.optional(),
  endedFrom: isoDay.optional(),
  endedTo: isoDay.optional(),
  step: z.string().max(100).optional(),
  stepStatus: z.enum(["COMPLETED", "FAILED"]).optional(),
  rework: z.enum(["true"]).optional(),
  cursor: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

export const retryStepSchema = z.object({ reason: z.string().trim().max(2000).optional() }).strict();
/** Skipping a failed step and cancelling an instance need a reason (it goes to the audit trail). */
export const skipStepSchema = z.object({ reason: z.string().trim().min(1, "say why").max(2000) }).strict();
export const cancelInstanceSchema = z.object({ reason: z.string().trim().min(1, "say why").max(2000) }).strict();

const stepRunDtoSchema = z.object({
  id: z.string(),
  stepId: z.string(),
  type: z.string(),
  status: z.string(),
  attempts: z.number().int(),
  attemptLog: z.array(z.record(z.string(), z.unknown())),
  error: z.string().nullable(),
  output: z.unknown(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  waitEventType: z.string().nullable(),
  correlationKey: z.string().nullable(),
  timeoutAt: z.string().nullable(),
  /** Parallel branches: the parallel step's run and the branch this run belongs to. */
  parallelRunId: z.string().nullable(),
  branch: z.string().nullable(),
  /** Saga: the run this run compensates. */
  compensationOf: z.string().nullable(),
  /** Queued because this host's circuit breaker is open (until nextAttemptAt). */
  circuitHost: z.string().nullable(),
});

const instanceSummaryDtoSchema = z.object({
  id: z.string(),
  process: z.object({ key: z.string(), version: z.number().int(), name: z.string() }),
  businessKey: z.string().nullable(),
  status: instanceStatusSchema,
  currentStepId: z.string().nullable(),
  error: z.string().nullable(),
  startedByName: z.string().nullable(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  version: z.number().int(),
});
export type InstanceSummaryDto = z.infer<typeof instanceSummaryDtoSchema>;

export const instanceDtoSchema = instanceSummaryDtoSchema.extend({
  variables: z.record(z.string(), z.unknown()),
  steps: z.array(stepRunDtoSchema),
  tasks: z.array(z.object({ id: z.string(), reference: z.string(), title: z.string(), status: z.string(), outcome: z.string().nullable(), stepRunId: z.string().nullable() })),
  can: z.object({ retry: z.boolean(), skip: z.boolean(), cancel: z.boolean() }),
  /** The failed step an operator can retry or skip (null when none). */
  failedStep: z.object({ stepRunId: z.string(), stepId: z.string(), error: z.string().nullable(), skipTo: z.string().nullable() }).nullable(),
});
export type InstanceDto = z.infer<typeof instanceDtoSchema>;
export type StepRunDto = z.infer<typeof stepRunDtoSchema>;

export const instancePageSchema = z.object({ data: z.array(instanceSummaryDtoSchema), nextCursor: z.string().nullable() });
export type InstancePage = z.infer<typeof instancePageSchema>;

const circuitBreakerDtoSchema = z.object({
  host: z.string(),
  state: z.enum(["closed", "open", "half_open"]),
  failures: z.number().int().meta({ description: "Failures counted in the current window" }),
  openedAt: z.string().nullable(),
  openUntil: z.string().nullable().meta({ description: "When an open breaker lets its half-open probe through" }),
  lastError: z.string().nullable(),
  /** Step runs queued behind this host's breaker. */
  queuedSteps: z.number().int(),
});
export type CircuitBreakerDto = z.infer<typeof circuitBreakerDtoSchema>;
export const circuitBreakerListSchema = z.object({ data: z.array(circuitBreakerDtoSchema) });
