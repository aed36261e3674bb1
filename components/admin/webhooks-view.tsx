"use client";

import { useMemo, useState, type FormEvent } from "react";
import clsx from "clsx";
import { ChevronDown, ChevronRight, Plus, Send, Webhook } from "lucide-react";
import { WEBHOOK_EVENT_TYPES, createWebhookSchema, type DeliveryPage, type WebhookDto, type WebhookWithSecretDto } from "@/lib/webhooks/schemas";
import { formErrorsOf } from "@/components/data/api";
import { useAnnouncer } from "@/components/announcer";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { DataTable, type DataColumn } from "@/components/ui/data-table";
import { Dialog, DialogActions } from "@/components/ui/dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { FormError, issuesToErrors } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { JsonBlock } from "@/components/ui/json-block";
import { LoadError } from "@/components/ui/load-error";
import { Skeleton } from "@/components/ui/skeleton";
import { SecretOnce } from "@/components/ui/secret-once";
import { localDateTime, relative } from "@/components/tasks/format";
import { useCreateWebhook, useDeliveries, useRedeliver, useWebhookAction, useWebhooks, type WebhookAction } from "./queries";

type Delivery = DeliveryPage["data"][number];

/** Admins: outgoing webhook endpoints (Standard Webhooks signatures), their secrets (shown once) and delivery logs. */
export function WebhooksView() {
  const list = useWebhooks();
  const [secret, setSecret] = useState<WebhookWithSecretDto | null>(null);
  const [adding, setAdding] = useState(false);
  return (
    <main id="main" className="mx-auto w-full max-w-5xl space-y-5 px-3 py-6 sm:px-5">
      <header className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 id="webhooks-heading" tabIndex={-1} className="text-xl font-semibold text-slate-900 outline-none">
            Webhooks
          </h1>
          <p className="mt-0.5 max-w-2xl text-sm text-slate-600">
            Baton POSTs task events to these URLs, signed per the Standard Webhooks spec (<code className="text-xs">webhook-id</code>,{" "}
            <code className="text-xs">webhook-timestamp</code>, <code className="text-xs">webhook-signature</code>). Failed deliveries are retried with growing delays.
          </p>
        </div>
        <Button variant="primary" onClick={() => setAdding(true)}>
          <Plus aria-hidden className="size-4" /> Add endpoint
        </Button>
      </header>
      {secret && <NewSecret endpoint={secret} onDone={() => setSecret(null)} />}
      {list.isPending && <Skeleton className="h-40" />}
      {list.isError && <LoadError what="webhook endpoints" error={list.error} onRetry={() => list.refetch()} retrying={list.isFetching} />}
      {list.data && list.data.data.length === 0 && (
        <EmptyState icon={<Webhook aria-hidden className="size-6" />} title="No webhook endpoints yet" action={<Button onClick={() => setAdding(true)}>Add endpoint</Button>}>
          Add one to let your ERP or chat tool hear when tasks are created, reassigned, escalated or decided.
        </EmptyState>
      )}
      {list.data && list.data.data.length > 0 && (
        <ul className="space-y-3">
          {list.data.data.map((e) => (
            <EndpointCard key={e.id} endpoint={e} onSecret={setSecret} />
          ))}
        </ul>
      )}
      <Dialog open={adding} onClose={() => setAdding(false)} title="Add a webhook endpoint" description="Its signing secret is shown once, right after you add it.">
        {adding && (
          <AddForm
            onCreated={(created) => {
              setSecret(created);
              setAdding(false);
            }}
          />
        )}
      </Dialog>
    </main>
  );
}

function AddForm({ onCreated }: { onCreated: (e: WebhookWithSecretDto) => void }) {
  const create = useCreateWebhook();
  const [url, setUrl] = useState("");
  const [description, setDescription] = useState("");
  const [types, setTypes] = useState<string[]>([]);
  const [errors, setErrors] = useState<Partial<Record<string, string>>>({});
  function submit(e: FormEvent) {
    e.preventDefault();
    const parsed = createWebhookSchema.safeParse({ url, description, eventTypes: types });
    if (!parsed.success) return setErrors(issuesToErrors(parsed.error.issues));
    create.mutate(parsed.data, { onSuccess: onCreated, onError: (err) => setErrors(formErrorsOf(err)) });
  }
  return (
    <form onSubmit={submit} noValidate className="space-y-4">
      <Input label="URL" name="url" type="url" placeholder="https://erp.example.com/hooks/baton" value={url} error={errors.url ?? null} onChange={(e) => setUrl(e.target.value)} data-autofocus />
      <Input label="Description" name="description" hint="Who receives it, e.g. “ERP posting”." maxLength={200} value={description} error={errors.description ?? null} onChange={(e) => setDescription(e.target.value)} />
      <fieldset>
        <legend className="text-sm font-medium text-slate-800">Events</legend>
        <p className="text-xs text-slate-500">None ticked: every event.</p>
        <div className="mt-2 grid grid-cols-1 gap-1.5 sm:grid-cols-2">
          {WEBHOOK_EVENT_TYPES.filter((t) => t !== "webhook.test").map((t) => (
            <label key={t} className="flex items-center gap-2 text-sm text-slate-800">
              <input
                type="checkbox"
                checked={types.includes(t)}
                onChange={(e) => setTypes((s) => (e.target.checked ? [...s, t] : s.filter((x) => x !== t)))}
                className="size-4 rounded border-slate-300 accent-indigo-600"
              />
              <code className="text-xs">{t}</code>
            </label>
          ))}
        </div>
      </fieldset>
      <FormError error={errors.form} />
      <DialogActions submitLabel="Add endpoint" busy={create.isPending} />
    </form>
  );
}

function NewSecret({ endpoint, onDone }: { endpoint: WebhookWithSecretDto; onDone: () => void }) {
  return (
    <SecretOnce
      testId="new-webhook-secret"
      title={<>Copy the signing secret for {endpoint.url} now</>}
      secret={endpoint.secret}
      secretLabel="Signing secret"
      onDone={onDone}
    >
      Your receiver needs it to verify signatures. It is not shown again; rotate it if it is lost.
    </SecretOnce>
  );
}

function EndpointCard({ endpoint: e, onSecret }: { endpoint: WebhookDto; onSecret: (s: WebhookWithSecretDto) => void }) {
  const act = useWebhookAction(e);
  const { announce } = useAnnouncer();
  const [showLog, setShowLog] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const run = (what: Exclude<WebhookAction, "delete">) =>
    act.mutate(what, {
      onSuccess: (result) => {
        if (what === "rotate" && result && typeof result === "object" && "secret" in result) onSecret(result as WebhookWithSecretDto);
        if (what === "test") {
          setShowLog(true);
          announce("Test event queued; it appears in the delivery log.");
        }
        if (what === "toggle") announce(e.active ? "Endpoint disabled" : "Endpoint enabled");
      },
    });
  const busy = (what: WebhookAction) => act.isPending && act.variables === what;
  return (
    <li className="rounded-xl bg-white ring-1 ring-slate-200" data-testid="webhook-endpoint">
      <div className="flex flex-wrap items-start gap-3 p-4">
        <div className="min-w-0 flex-1">
          <p className="flex flex-wrap items-center gap-2">
            <code className="text-sm font-medium break-all text-slate-900">{e.url}</code>
            {e.active ? <Badge tone="success">Active</Badge> : <Badge>Disabled</Badge>}
          </p>
          {e.description && <p className="mt-0.5 text-sm text-slate-700">{e.description}</p>}
          <p className="mt-1 text-xs text-slate-600">
            {e.eventTypes.length ? e.eventTypes.join(", ") : "Every event"} · secret {e.secretHint} · added by {e.createdBy} {relative(e.createdAt)}
          </p>
          <p className="mt-1 text-xs text-slate-700">
            <span className="text-emerald-800">{e.stats.succeeded} delivered</span> · <span className={clsx(e.stats.failed && "font-medium text-red-700")}>{e.stats.failed} failed</span> ·{" "}
            {e.stats.pending} pending{e.stats.lastDeliveryAt ? ` · last ${relative(e.stats.lastDeliveryAt)}` : ""}
          </p>
        </div>
        <div className="flex flex-wrap gap-1">
          <Button size="sm" onClick={() => run("test")} loading={busy("test")}>
            <Send aria-hidden className="size-3.5" /> Send test
          </Button>
          <Button size="sm" variant="ghost" onClick={() => run("toggle")} loading={busy("toggle")}>
            {e.active ? "Disable" : "Enable"}
          </Button>
          <Button size="sm" variant="ghost" onClick={() => run("rotate")} loading={busy("rotate")}>
            Rotate secret
          </Button>
          <Button size="sm" variant="danger" onClick={() => setConfirmDelete(true)}>
            Delete
          </Button>
        </div>
      </div>
      {act.isError && act.variables !== "delete" && <FormError error={act.error.message} className="px-4 pb-2" />}
      <div className="border-t border-slate-100">
        <button
          type="button"
          aria-expanded={showLog}
          onClick={() => setShowLog((s) => !s)}
          className="flex w-full items-center gap-1.5 px-4 py-2 text-left text-sm font-medium text-slate-700 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-[-2px] focus-visible:outline-indigo-600"
        >
          {showLog ? <ChevronDown aria-hidden className="size-4" /> : <ChevronRight aria-hidden className="size-4" />} Delivery log
        </button>
        {showLog && <DeliveryLog endpointId={e.id} />}
      </div>
      <ConfirmDialog
        open={confirmDelete}
        onClose={() => setConfirmDelete(false)}
        title="Delete this endpoint?"
        consequence={`${e.url} stops receiving events and its delivery log is deleted. The audit log keeps the change.`}
        confirmLabel="Delete endpoint"
        onConfirm={() => act.mutateAsync("delete")}
        onDone={() => announce("Endpoint deleted")}
        fallbackFocus={() => document.getElementById("webhooks-heading")}
      />
    </li>
  );
}

const STATUS_TONE = { SUCCEEDED: "success", FAILED: "danger", PENDING: "warning" } as const;
const STATUS_TEXT = { SUCCEEDED: "Delivered", FAILED: "Failed", PENDING: "Retrying" } as const;

function DeliveryLog({ endpointId }: { endpointId: string }) {
  const log = useDeliveries(endpointId);
  const [open, setOpen] = useState<string | null>(null);
  // The event cell toggles the row's details, so the columns follow which row is open.
  const columns = useMemo<DataColumn<Delivery>[]>(
    () => [
      {
        id: "event",
        header: "Event",
        cell: ({ row: { original: d } }) => (
          <button
            type="button"
            aria-expanded={open === d.id}
            onClick={() => setOpen((o) => (o === d.id ? null : d.id))}
            className="flex items-center gap-1 rounded text-left focus-visible:outline-2 focus-visible:outline-indigo-600"
          >
            {open === d.id ? <ChevronDown aria-hidden className="size-3.5" /> : <ChevronRight aria-hidden className="size-3.5" />}
            <code className="text-xs">{d.eventType}</code>
          </button>
        ),
      },
      { id: "status", header: "Status", cell: ({ row: { original: d } }) => <DeliveryStatus d={d} /> },
      { id: "attempts", header: "Attempts", accessorFn: (d) => d.attempts, meta: { className: "tabular-nums" } },
      {
        id: "answer",
        header: "Last answer",
        meta: { className: "max-w-xs truncate text-xs text-slate-700" },
        cell: ({ row: { original: d } }) => <span title={d.lastError ?? undefined}>{d.lastError ?? (d.lastStatusCode ? `HTTP ${d.lastStatusCode}` : "—")}</span>,
      },
      { id: "created", header: "Created", meta: { className: "text-xs whitespace-nowrap text-slate-600" }, cell: ({ row: { original: d } }) => localDateTime(d.createdAt) },
    ],
    [open],
  );
  if (log.isPending) return <Skeleton className="m-4 h-24" />;
  if (log.isError) return <LoadError what="the delivery log" error={log.error} onRetry={() => log.refetch()} retrying={log.isFetching} />;
  return (
    <DataTable
      className="px-2 pb-3"
      label="Delivery log"
      columns={columns}
      data={log.data.data}
      getRowId={(d) => d.id}
      empty={<p className="px-4 pb-4 text-sm text-slate-600">No deliveries yet. Send a test event to try the endpoint.</p>}
      rowProps={() => ({ "data-testid": "webhook-delivery" })}
      renderExpanded={(d) => (open === d.id ? <DeliveryDetails d={d} /> : null)}
      density="compact"
      headerStyle="plain"
    />
  );
}

function DeliveryStatus({ d }: { d: Delivery }) {
  const retry = useRedeliver();
  const { announce } = useAnnouncer();
  return (
    <>
      <Badge tone={STATUS_TONE[d.status]}>{STATUS_TEXT[d.status]}</Badge>
      {d.status === "PENDING" && d.nextAttemptAt && <span className="ml-1 text-xs text-slate-600">next {relative(d.nextAttemptAt)}</span>}
      {d.status === "FAILED" && (
        <Button size="sm" variant="ghost" className="ml-1" loading={retry.isPending} onClick={() => retry.mutate(d, { onSuccess: () => announce(`${d.eventType} queued to be sent again`) })} aria-label={`Send ${d.eventType} again`}>
          Send again
        </Button>
      )}
      {retry.isError && (
        <span role="alert" className="ml-1 text-xs font-medium text-red-700">
          {retry.error.message}
        </span>
      )}
    </>
  );
}

function DeliveryDetails({ d }: { d: Delivery }) {
  return (
    <div className="px-1 pt-2">
      <p className="text-xs text-slate-600">
        webhook-id <code>{d.eventId}</code>
      </p>
      <ol className="mt-1 space-y-0.5 text-xs text-slate-800">
        {d.attemptLog.map((a) => (
          <li key={a.n}>
            Attempt {a.n}, {localDateTime(a.at)}: {a.error ?? `HTTP ${a.status}`} ({a.ms} ms)
          </li>
        ))}
      </ol>
      <JsonBlock value={d.payload} label={`Payload of delivery ${d.eventId} (JSON)`} className="mt-2 max-h-48 rounded bg-white p-2 ring-1 ring-slate-200" />
    </div>
  );
}
