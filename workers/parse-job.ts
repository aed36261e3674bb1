import { UnrecoverableError } from "bullmq";
import { z } from "zod";
import { JOB_SCHEMAS, type JobName, type JobPayload } from "../lib/queues";
import type { JobLike } from "../lib/db";

/** A job whose name is one of `N` and whose data passed that job's schema. */
export type ParsedJob<N extends JobName> = { [K in N]: { name: K; data: JobPayload<K> } }[N];

/**
 * Checks a job against the names a processor runs and its payload against JOB_SCHEMAS. Bad data
 * will not get better on a retry: it fails at once (UnrecoverableError), saying what is wrong.
 */
export function parseJob<const N extends JobName>(job: JobLike, accepts: readonly N[]): ParsedJob<N> {
  const name = accepts.find((n) => n === job.name);
  if (!name) throw new UnrecoverableError(`job ${job.id ?? "(no id)"}: "${job.name}" is not one of ${accepts.join(", ")}`);
  const schema: z.ZodType = JOB_SCHEMAS[name];
  // Scheduler jobs carry no data; their schemas accept an empty object.
  const parsed = schema.safeParse(job.data ?? {});
  if (!parsed.success) throw new UnrecoverableError(`job ${job.id ?? "(no id)"}: invalid ${name} payload: ${z.prettifyError(parsed.error).replace(/\n\s*/g, " ")}`);
  return { name, data: parsed.data } as ParsedJob<N>;
}

/** The request id that caused the job: it travels in the payload, so one id follows the work. */
export function requestIdOf(job: JobLike): string | undefined {
  const id = (job.data as { requestId?: unknown } | null | undefined)?.requestId;
  return typeof id === "string" ? id : undefined;
}
