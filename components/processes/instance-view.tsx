"use client";

import Link from "next/link";
import { format } from "date-fns";
import { JsonBlock } from "@/components/ui/json-block";
import { LoadError } from "@/components/ui/load-error";
import { Skeleton } from "@/components/ui/skeleton";
import type { InstanceDto, StepRunDto } from "@/lib/engine/schemas";
import type { ProcessDocument } from "@/lib/processes/schemas";
import { OperatorActions } from "./operator-actions";
import { ProcessDiagram, stepStates } from "./process-diagram";
import { useInstance, useProcess } from "./queries";
import { StatusBadge } from "./status-badge";

const time = (iso: string | null) => (iso ? format(new Date(iso), "d MMM HH:mm:ss.SSS") : "—");

export function InstanceView({ id }: { id: string }) {
  const instance = useInstance(id);
  if (instance.isPending)
    return (
      <main id="main" className="mx-auto w-full max-w-6xl flex-1 px-4 py-6" aria-busy="true">
        <Skeleton className="h-40" />
      </main>
    );
  if (instance.isError)
    return (
      <main id="main" className="mx-auto w-full max-w-6xl flex-1 px-4 py-6">
        <LoadError what="this instance" error={instance.error} onRetry={() => instance.refetch()} />
      </main>
    );
  const i = instance.data;
  return (
    <main id="main" className="mx-auto w-full max-w-6xl flex-1 px-4 py-6 sm:px-6">
      <p className="text-sm">
        <Link href={`/processes/instances?process=${encodeURIComponent(i.process.key)}`} className="text-indigo-700 hover:underline">
          ← {i.process.name} instances
        </Link>
      </p>
      <header className="mt-1 mb-5 flex flex-wrap items-start justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold text-slate-900">
            {i.process.name} {i.businessKey && <span className="text-slate-600">· {i.businessKey}</span>}
          </h1>
          <p className="text-sm text-slate-600">
            v{i.process.version} · started {time(i.startedAt)}
            {i.startedByName && <> by {i.startedByName}</>}
            {i.endedAt && <> · ended {time(i.endedAt)}</>}
          </p>
        </div>
        <div className="flex flex-col items-end gap-2">
          <div className="flex items-center gap-2" data-testid="instance-status">
            <StatusBadge status={i.status} />
          </div>
          <OperatorActions instance={i} />
        </div>
      </header>
      {i.error && <FailurePanel instance={i} />}
      <InstanceDiagram instance={i} />
      <CircuitNotice steps={i.steps} />
      <div className="grid grid-cols-[minmax(0,1fr)] gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]">
        <section aria-labelledby="timeline" className="overflow-hidden rounded-xl bg-white ring-1 ring-slate-200">
          <h2 id="timeline" className="border-b border-slate-100 px-4 py-3 text-sm font-semibold text-slate-900">
            Step timeline
          </h2>
          <ol className="divide-y divide-slate-100" data-testid="step-timeline">
            {i.steps.map((s) => (
              <StepItem key={s.id} step={s} all={i.steps} />
            ))}
          </ol>
        </section>
        <div className="space-y-6">
          <section aria-labelledby="tasks" className="rounded-xl bg-white p-4 ring-1 ring-slate-200">
            <h2 id="tasks" className="mb-2 text-sm font-semibold text-slate-900">
              Tasks
            </h2>
            {i.tasks.length === 0 ? (
              <p className="text-sm text-slate-500">No human tasks yet.</p>
            ) : (
              <ul className="space-y-1 text-sm">
                {i.tasks.map((t) => (
                  <li key={t.id}>
                    <Link href={`/tasks/${t.id}`} className="font-medium text-indigo-700 hover:underline">
                      {t.reference}
                    </Link>{" "}
                    {t.title} <span className="text-slate-500">({t.outcome ?? t.status.toLowerCase()})</span>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section aria-labelledby="variables" className="rounded-xl bg-white p-4 ring-1 ring-slate-200">
            <h2 id="variables" className="mb-2 text-sm font-semibold text-slate-900">
              Variables
            </h2>
            <JsonBlock value={i.variables} label="Variables (JSON)" className="max-h-96 rounded bg-slate-50 p-2 text-slate-800" testId="instance-variables" />
          </section>
        </div>
      </div>
    </main>
  );
}

function InstanceDiagram({ instance }: { instance: InstanceDto }) {
  const definition = useProcess(instance.process.key, instance.process.version);
  const details: Record<string, string> = {};
  for (const s of instance.steps) {
    if (s.status === "WAITING" && s.waitEventType) details[s.stepId] = `waiting for ${s.waitEventType}`;
    else if (s.status === "WAITING") details[s.stepId] = "waiting for a person";
    else if (s.status === "PENDING" && s.nextAttemptAt) details[s.stepId] = `retry #${s.attempts + 1} scheduled`;
    else if (s.attempts > 1) details[s.stepId] = `${s.attempts} attempts`;
  }
  return (
    <section aria-labelledby="instance-diagram" className="mb-6 rounded-xl bg-white p-4 ring-1 ring-slate-200">
      <h2 id="instance-diagram" className="mb-3 text-sm font-semibold text-slate-900">
        Where it is (v{instance.process.version})
      </h2>
      {definition.isPending && <Skeleton className="h-64" />}
      {definition.isError && <LoadError what="the process diagram" error={definition.error} onRetry={() => definition.refetch()} />}
      {definition.data && (
        <ProcessDiagram
          document={definition.data.document as unknown as ProcessDocument}
          states={stepStates(instance.steps)}
          details={details}
          label={`Diagram of ${instance.process.name} version ${instance.process.version} with this instance's steps`}
        />
      )}
    </section>
  );
}

function FailurePanel({ instance }: { instance: InstanceDto }) {
  const heading =
    instance.status === "FAILED"
      ? "This instance failed"
      : instance.status === "COMPENSATING" || instance.status === "COMPENSATED"
        ? "Rolled back (compensation) because"
        : instance.failedStep
          ? "A branch failed; the other branches go on"
          : "Last error";
  const tone = instance.status === "COMPENSATED" ? "bg-amber-50 ring-amber-200 text-amber-900" : "bg-red-50 ring-red-200 text-red-900";
  return (
    <div role="alert" className={`mb-5 rounded-xl px-4 py-3 ring-1 ${tone}`} data-testid="failure-panel">
      <p className="text-sm font-semibold">{heading}</p>
      <p className="text-sm">{instance.error}</p>
      {instance.failedStep && (instance.can.retry || instance.can.skip) && (
        <p className="mt-1 text-xs">
          Failed step <code>{instance.failedStep.stepId}</code>: retry it, skip it{instance.failedStep.skipTo ? <> (continue at <code>{instance.failedStep.skipTo}</code>)</> : null}, or cancel the instance.
        </p>
      )}
    </div>
  );
}

/** Steps queued behind an open circuit breaker: which host, and until when. */
function CircuitNotice({ steps }: { steps: StepRunDto[] }) {
  const waiting = steps.filter((s) => s.status === "PENDING" && s.circuitHost);
  if (waiting.length === 0) return null;
  return (
    <div role="status" className="mb-5 rounded-xl bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-amber-200" data-testid="circuit-notice">
      {waiting.map((s) => (
        <p key={s.id}>
          <span className="font-semibold">Waiting: circuit open</span> for host <code>{s.circuitHost}</code> until {time(s.nextAttemptAt)} (step <code>{s.stepId}</code>; no attempt is spent while it is open).
        </p>
      ))}
    </div>
  );
}

function StepItem({ step, all }: { step: StepRunDto; all: StepRunDto[] }) {
  const compensates = step.compensationOf ? all.find((s) => s.id === step.compensationOf) : undefined;
  const parallel = step.parallelRunId ? all.find((s) => s.id === step.parallelRunId) : undefined;
  return (
    <li className={`px-4 py-3 ${step.branch ? "border-l-4 border-indigo-200" : ""} ${step.compensationOf ? "border-l-4 border-amber-300 bg-amber-50/40" : ""}`} data-testid={`step-${step.stepId}`}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="text-sm font-medium text-slate-900">
          <code>{step.stepId}</code> <span className="text-xs text-slate-500">{step.type}</span>
          {step.branch && (
            <span className="ml-2 rounded bg-indigo-50 px-1.5 py-0.5 text-xs font-normal text-indigo-800">
              branch {step.branch}
              {parallel && <> of {parallel.stepId}</>}
            </span>
          )}
          {step.compensationOf && (
            <span className="ml-2 rounded bg-amber-100 px-1.5 py-0.5 text-xs font-normal text-amber-900">compensates {compensates?.stepId ?? "a step"}</span>
          )}
        </p>
        <StatusBadge status={step.status} />
      </div>
      <p className="text-xs text-slate-500">
        {time(step.startedAt)} → {time(step.endedAt)}
        {step.attempts > 0 && <> · {step.attempts} attempt{step.attempts === 1 ? "" : "s"}</>}
        {step.nextAttemptAt && step.status === "PENDING" && (step.circuitHost ? <> · waiting: circuit open for host {step.circuitHost} until {time(step.nextAttemptAt)}</> : <> · next attempt {time(step.nextAttemptAt)}</>)}
        {step.waitEventType && step.status === "WAITING" && (
          <>
            {" "}
            · waiting for <code>{step.waitEventType}</code> with key <code>{step.correlationKey}</code>
            {step.timeoutAt && <> until {time(step.timeoutAt)}</>}
          </>
        )}
      </p>
      {step.error && <p className="mt-1 text-xs text-red-700">{step.error}</p>}
      {step.attemptLog.length > 0 && (
        <details className="mt-1 text-xs text-slate-600">
          <summary className="cursor-pointer">Attempts</summary>
          <ol className="mt-1 space-y-0.5 pl-4">
            {step.attemptLog.map((a, n) => (
              <li key={n}>
                #{String(a.n)} {a.ok ? "ok" : "failed"} {a.httpStatus ? `(${String(a.httpStatus)})` : ""} in {String(a.ms)} ms
                {typeof a.error === "string" && <span className="text-red-700"> — {a.error}</span>}
              </li>
            ))}
          </ol>
        </details>
      )}
    </li>
  );
}
