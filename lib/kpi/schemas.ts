import { z } from "zod";
import { isoDay, queryInt } from "../fields";
import { versionSplitDtoSchema } from "../processes/schemas";
import { freshnessSchema } from "../db/freshness";

// KPI dashboard: one query shape, one response shape (API, UI and OpenAPI use these).

const day = isoDay();

export const kpiQuerySchema = z
  .object({
    from: day.optional().meta({ description: "First UTC day (inclusive); default 29 days before `to`" }),
    to: day.optional().meta({ description: "Last UTC day (inclusive); default today" }),
    process: z.string().max(64).optional().meta({ description: "Only this process key" }),
    version: queryInt().min(1).optional().meta({ description: "Only this version (with `process`)" }),
  })
  .strict();
export type KpiQuery = z.infer<typeof kpiQuerySchema>;

const durationSchema = z.object({
  count: z.number().int(),
  meanMs: z.number().nullable(),
  p50Ms: z.number().nullable(),
  p90Ms: z.number().nullable(),
  p99Ms: z.number().nullable(),
});
export type DurationKpi = z.infer<typeof durationSchema>;

const rateSchema = z.object({ total: z.number().int(), count: z.number().int(), rate: z.number().nullable() });
export type RateKpi = z.infer<typeof rateSchema>;

const processKpisSchema = z.object({
  started: z.number().int(),
  completed: z.number().int(),
  failed: z.number().int(),
  cancelled: z.number().int(),
  throughputPerDay: z.number(),
  cycleTime: durationSchema,
  firstAction: durationSchema,
  handoff: durationSchema,
  slaBreach: rateSchema,
  automatedErrors: rateSchema,
  rework: rateSchema,
  escalation: rateSchema,
  decisions: z.number().int(),
});
export type ProcessKpis = z.infer<typeof processKpisSchema>;

const stepKpisSchema = z.object({
  stepId: z.string(),
  stepType: z.string(),
  runs: z.number().int(),
  failed: z.number().int(),
  errorRate: z.number().nullable(),
  attempts: z.number().int(),
  duration: durationSchema,
  handoff: durationSchema,
  firstAction: durationSchema,
  tasks: z.number().int(),
  slaBreach: rateSchema,
  escalation: rateSchema,
  infoRequested: z.number().int(),
});
export type StepKpis = z.infer<typeof stepKpisSchema>;

const bottleneckSchema = z.object({
  stepId: z.string(),
  stepType: z.string(),
  meanMs: z.number(),
  p90Ms: z.number().nullable(),
  shareOfCycle: z.number().nullable().meta({ description: "Step time (mean × runs) over the total cycle time of completed instances" }),
  text: z.string(),
});

const seriesPointSchema = z.object({
  day: z.string(),
  started: z.number().int(),
  completed: z.number().int(),
  failed: z.number().int(),
  cycleP50Ms: z.number().nullable(),
  cycleP90Ms: z.number().nullable(),
  cycleP99Ms: z.number().nullable(),
  slaBreachRate: z.number().nullable(),
  errorRate: z.number().nullable(),
});
export type SeriesPoint = z.infer<typeof seriesPointSchema>;

const decisionsSchema = z.object({
  byOutcome: z.array(z.object({ outcome: z.string(), count: z.number().int() })),
  byPerson: z.array(z.object({ deciderId: z.string(), name: z.string(), total: z.number().int(), byOutcome: z.record(z.string(), z.number().int()) })),
});

const processDashboardSchema = z.object({
  key: z.string(),
  name: z.string(),
  kpis: processKpisSchema,
  steps: z.array(stepKpisSchema),
  bottleneck: bottleneckSchema.nullable(),
  versions: z.array(z.object({ version: z.number().int(), kpis: processKpisSchema })),
  split: versionSplitDtoSchema.nullable(),
});
export type ProcessDashboard = z.infer<typeof processDashboardSchema>;

export const kpiDashboardSchema = z.object({
  period: z.object({ from: z.string(), to: z.string(), days: z.number().int() }),
  refreshedAt: z.string().nullable(),
  // Read from the read replica when one is configured (ADR 049): how far behind it may be.
  freshness: freshnessSchema,
  totals: processKpisSchema,
  processes: z.array(processDashboardSchema),
  series: z.array(seriesPointSchema),
  decisions: decisionsSchema,
});
export type KpiDashboard = z.infer<typeof kpiDashboardSchema>;
