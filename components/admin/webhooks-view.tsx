"use client";

import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import clsx from "clsx";
import { ChevronDown, ChevronRight, Plus, Send, Webhook } from "lucide-react";
import { WEBHOOK_EVENT_TYPES, createWebhookSchema, type DeliveryPage, type WebhookDto, type WebhookWithSecretDto } from "@/lib/webhooks/schemas";
import { api, ApiError } from "@/components/data/api";
import { useAnnouncer } from "@/components/announcer";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Dialog, useDialogClose } from "@/components/ui/dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { Input } from "@/components/ui/input";
import { LoadError } from "@/components/ui/load-error";
import { Skeleton } from "@/components/ui/skeleton";
import { SecretOnce } from "@/components/ui/secret-once";
import { localDateTime, relative } from "@/components/tasks/format";

const listKey = ["webhooks"] as const;
const deliveriesKey = (id: string) => ["webhooks", id, "deliveries"] as const;

/** Admins: outgoing webhook endpoints (Standard Webhooks signatures), their secrets (shown once) and delivery logs. */
export function WebhooksView() {
  const list = useQuery({ queryKey: listKey, queryFn: ({ signal }) => api<{ data: WebhookDto[] }>("/api/v1/webhooks", { signal }) });
  const [secret, setSecret] = useState<WebhookWithSecretDto | null>(null);
  const [adding, setAdding] = useState(false);
  return (
    <main id="main" className="mx-auto w-full max-w-5xl space-y-5 px-3 py-6 sm:px-5">
      <header className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold text-slate-900">Webhooks</h1>
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
  const close = useDialogClose();
  const qc = useQueryClient();
  const [url, setUrl] = useState("");
  const [description, setDescription] = useState("");
  const [types, setTypes] = useState<string[]>([]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    const parsed = createWebhookSchema.safeParse({ url, description, eventTypes: types });
    if (!parsed.success) {
      setErrors(Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), i.message])));
      return;
    }
    setBusy(true);
    try {
      const created = await api<WebhookWithSecretDto>("/api/v1/webhooks", { method: "POST", body: parsed.data });
      void qc.invalidateQueries({ queryKey: listKey });
      onCreated(created);
    } catch (err) {
      setErrors(err instanceof ApiError ? { ...err.fieldErrors(), form: err.message } : { form: "Something went wrong. Try again." });
    } finally {
      setBusy(false);
    }
  }
  return (
    <form onSubmit={submit} noValidate className="space-y-4">
      <Input label="URL" name="url" type="url" placeholder="https://erp.example.com/hooks/baton" value={url} error={errors.url ?? null} onChange={(e) => setUrl(e.target.value)} data-autofocus />
      <Input label="Description" name="description" hint="Who receives it, e.g. “ERP posting”." maxLength={200} value={description} error={errors.description ?? null} onChange={(e) => setDescription(e.target.value)} />
      <fieldset>
        <legend className="text-sm font-medium text-slate-800">Events</legend>
        <p className="text-xs text-slate-500">None ticked: every event.</p>
        <div className="mt-2 grid grid-cols-2 gap-1.5">
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
      {errors.form && (
        <p role="alert" className="text-sm font-medium text-red-700">
          {errors.form}
        </p>
      )}
      <div className="flex justify-end gap-2">
        <Button variant="ghost" onClick={close}>
          Cancel
        </Button>
        <Button type="submit" variant="primary" loading={busy} disabled={busy}>
          Add endpoint
        </Button>
      </div>
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
  const qc = useQueryClient();
  const { announce } = useAnnouncer();
  const [showLog, setShowLog] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: listKey });
    void qc.invalidateQueries({ queryKey: deliveriesKey(e.id) });
  };
  const act = useMutation({
    mutationFn: async (what: "toggle" | "rotate" | "test" | "delete") => {
      if (what === "test") return api(`/api/v1/webhooks/${e.id}/test`, { method: "POST" });
      if (what === "delete") return api(`/api/v1/webhooks/${e.id}`, { method: "DELETE" });
      return api<WebhookDto | WebhookWithSecretDto>(`/api/v1/webhooks/${e.id}`, { method: "PATCH", body: what === "toggle" ? { active: !e.active } : { rotateSecret: true } });
    },
    onMutate: () => setError(null),
    onSuccess: (result, what) => {
      refresh();
      if (what === "rotate" && result && typeof result === "object" && "secret" in result) onSecret(result as WebhookWithSecretDto);
      if (what === "test") {
        setShowLog(true);
        announce("Test event queued; it appears in the delivery log.");
      }
      if (what === "toggle") announce(e.active ? "Endpoint disabled" : "Endpoint enabled");
      if (what === "delete") announce("Endpoint deleted");
    },
    onError: (err) => setError(err instanceof ApiError ? err.message : "Something went wrong. Try again."),
  });
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
          <Button size="sm" onClick={() => act.mutate("test")} loading={act.isPending && act.variables === "test"}>
            <Send aria-hidden className="size-3.5" /> Send test
          </Button>
          <Button size="sm" variant="ghost" onClick={() => act.mutate("toggle")} loading={act.isPending && act.variables === "toggle"}>
            {e.active ? "Disable" : "Enable"}
          </Button>
          <Button size="sm" variant="ghost" onClick={() => act.mutate("rotate")} loading={act.isPending && act.variables === "rotate"}>
            Rotate secret
          </Button>
          <Button size="sm" variant="danger" onClick={() => setConfirmDelete(true)}>
            Delete
          </Button>
        </div>
      </div>
      {error && (
        <p role="alert" className="px-4 pb-2 text-sm font-medium text-red-700">
          {error}
        </p>
      )}
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
      <Dialog open={confirmDelete} onClose={() => setConfirmDelete(false)} title="Delete this endpoint?" description={`${e.url} stops receiving events and its delivery log is deleted. The audit log keeps the change.`}>
        {confirmDelete && <ConfirmDelete onConfirm={() => act.mutate("delete")} busy={act.isPending && act.variables === "delete"} />}
      </Dialog>
    </li>
  );
}

function ConfirmDelete({ onConfirm, busy }: { onConfirm: () => void; busy: boolean }) {
  const close = useDialogClose();
  return (
    <div className="flex justify-end gap-2">
      <Button variant="ghost" onClick={close} data-autofocus>
        Cancel
      </Button>
      <Button variant="danger" loading={busy} onClick={onConfirm}>
        Delete endpoint
      </Button>
    </div>
  );
}

const STATUS_TONE = { SUCCEEDED: "success", FAILED: "danger", PENDING: "warning" } as const;
const STATUS_TEXT = { SUCCEEDED: "Delivered", FAILED: "Failed", PENDING: "Retrying" } as const;

function DeliveryLog({ endpointId }: { endpointId: string }) {
  const log = useQuery({
    queryKey: deliveriesKey(endpointId),
    queryFn: ({ signal }) => api<DeliveryPage>(`/api/v1/webhooks/${endpointId}/deliveries?limit=25`, { signal }),
    // Deliveries change in the worker, not through this page: poll while the log is open.
    refetchInterval: 5_000,
  });
  const [open, setOpen] = useState<string | null>(null);
  if (log.isPending) return <Skeleton className="m-4 h-24" />;
  if (log.isError) return <LoadError what="the delivery log" error={log.error} onRetry={() => log.refetch()} retrying={log.isFetching} />;
  if (log.data.data.length === 0) return <p className="px-4 pb-4 text-sm text-slate-600">No deliveries yet. Send a test event to try the endpoint.</p>;
  return (
    <div className="overflow-x-auto px-2 pb-3">
      <table className="w-full text-sm" aria-label="Delivery log">
        <thead className="text-left text-xs text-slate-600">
          <tr>
            <th scope="col" className="px-2 py-1.5 font-medium">
              Event
            </th>
            <th scope="col" className="px-2 py-1.5 font-medium">
              Status
            </th>
            <th scope="col" className="px-2 py-1.5 font-medium">
              Attempts
            </th>
            <th scope="col" className="px-2 py-1.5 font-medium">
              Last answer
            </th>
            <th scope="col" className="px-2 py-1.5 font-medium">
              Created
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {log.data.data.map((d) => (
            <DeliveryRow key={d.id} d={d} open={open === d.id} onToggle={() => setOpen((o) => (o === d.id ? null : d.id))} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function DeliveryRow({ d, open, onToggle }: { d: DeliveryPage["data"][number]; open: boolean; onToggle: () => void }) {
  const qc = useQueryClient();
  const { announce } = useAnnouncer();
  const retry = useMutation({
    mutationFn: () => api(`/api/v1/webhooks/${d.endpointId}/deliveries/${d.id}/redeliver`, { method: "POST" }),
    onSuccess: () => {
      announce(`${d.eventType} queued to be sent again`);
      void qc.invalidateQueries({ queryKey: ["webhooks"] });
    },
  });
  return (
    <>
      <tr data-testid="webhook-delivery">
        <td className="px-2 py-1.5">
          <button type="button" aria-expanded={open} onClick={onToggle} className="flex items-center gap-1 rounded text-left focus-visible:outline-2 focus-visible:outline-indigo-600">
            {open ? <ChevronDown aria-hidden className="size-3.5" /> : <ChevronRight aria-hidden className="size-3.5" />}
            <code className="text-xs">{d.eventType}</code>
          </button>
        </td>
        <td className="px-2 py-1.5">
          <Badge tone={STATUS_TONE[d.status]}>{STATUS_TEXT[d.status]}</Badge>
          {d.status === "PENDING" && d.nextAttemptAt && <span className="ml-1 text-xs text-slate-600">next {relative(d.nextAttemptAt)}</span>}
          {d.status === "FAILED" && (
            <Button size="sm" variant="ghost" className="ml-1" loading={retry.isPending} onClick={() => retry.mutate()} aria-label={`Send ${d.eventType} again`}>
              Send again
            </Button>
          )}
          {retry.isError && (
            <span role="alert" className="ml-1 text-xs font-medium text-red-700">
              {retry.error.message}
            </span>
          )}
        </td>
        <td className="px-2 py-1.5 tabular-nums">{d.attempts}</td>
        <td className="max-w-xs truncate px-2 py-1.5 text-xs text-slate-700" title={d.lastError ?? undefined}>
          {d.lastError ?? (d.lastStatusCode ? `HTTP ${d.lastStatusCode}` : "—")}
        </td>
        <td className="px-2 py-1.5 text-xs whitespace-nowrap text-slate-600">{localDateTime(d.createdAt)}</td>
      </tr>
      {open && (
        <tr>
          <td colSpan={5} className="bg-slate-50 px-3 py-2">
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
            <pre className="mt-2 max-h-48 overflow-auto rounded bg-white p-2 text-xs ring-1 ring-slate-200">{JSON.stringify(d.payload, null, 2)}</pre>
          </td>
        </tr>
      )}
    </>
  );
}
