import { ENUMS } from "../generated/db/schema";
import client from "prom-client";
import { db, query, replicaConfigured, replicaStatus } from "../db";
import { queue, QUEUES, type QueueName } from "../queues";
import { metrics } from "./registry";

// Gauges read at scrape time from PostgreSQL (the truth) and BullMQ. Registered once; each
// scrape runs their collect() callbacks.
let registered = false;

function registerDomainGauges(): void {
  if (registered) return;
  registered = true;
  const { registry } = metrics();
  registerReplicaGauges(registry);
  new client.Gauge({
    name: "baton_tasks",
    help: "Human tasks by status.",
    labelNames: ["status"] as const,
    registers: [registry],
    async collect() {
      const rows = await db().task.groupBy({ by: ["status"], _count: { _all: true } });
      this.reset();
      for (const status of ENUMS.TaskStatus) {
        this.set({ status }, rows.find((r) => r.status === status)?._count._all ?? 0);
      }
    },
  });
  new client.Gauge({
    name: "baton_tasks_overdue",
    help: "Open tasks past their due time.",
    registers: [registry],
    async collect() {
      this.set(await db().task.count({ where: { status: { in: ["OPEN", "INFO_REQUESTED"] }, dueAt: { lt: new Date() } } }));
    },
  });
  new client.Gauge({
    name: "baton_queue_jobs",
    help: "BullMQ jobs by queue and state.",
    labelNames: ["queue", "state"] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const name of Object.values(QUEUES) as QueueName[]) {
        const counts = await queue(name).getJobCounts("waiting", "active", "delayed", "failed", "completed");
        for (const [state, n] of Object.entries(counts)) this.set({ queue: name, state }, n);
      }
    },
  });
  new client.Gauge({
    name: "baton_outbox_pending",
    help: "Outbox messages committed but not yet handed to BullMQ.",
    registers: [registry],
    async collect() {
      this.set(await db().outboxMessage.count({ where: { dispatchedAt: null } }));
    },
  });
  new client.Gauge({
    name: "baton_events_unprocessed",
    help: "CloudEvents accepted (Prefer: respond-async) that the worker has not started or correlated yet.",
    registers: [registry],
    async collect() {
      // Served by the partial index EventReceipt_unprocessed_idx: as cheap as the backlog is small.
      const rows = await query<{ n: number }>(`SELECT count(*)::int AS "n" FROM "EventReceipt" WHERE "result" IS NULL`);
      this.set(rows[0]?.n ?? 0);
    },
  });
  new client.Gauge({
    name: "baton_audit_unsealed_entries",
    help: "Audit entries not yet linked into the hash chain (should stay near 0).",
    registers: [registry],
    async collect() {
      this.set(await db().auditEntry.count({ where: { chainIndex: null } }));
    },
  });
  new client.Gauge({
    name: "baton_audit_chain_head",
    help: "Chain index of the newest sealed audit entry.",
    registers: [registry],
    async collect() {
      const head = await db().auditEntry.findFirst({ where: { chainIndex: { not: null } }, orderBy: { chainIndex: "desc" }, select: { chainIndex: true } });
      this.set(Number(head?.chainIndex ?? 0));
    },
  });
  new client.Gauge({
    name: "baton_audit_chain_last_verify_ok",
    help: "1 if the most recent verification of the audit chain found it intact, 0 if broken, -1 if never run.",
    registers: [registry],
    async collect() {
      const last = await db().auditEntry.findFirst({ where: { action: "audit.verified" }, orderBy: { seq: "desc" }, select: { after: true } });
      const ok = (last?.after as { ok?: boolean } | null)?.ok;
      this.set(ok === undefined ? -1 : ok ? 1 : 0);
    },
  });
}

/**
 * The read replica (ADR 049), when one is configured: probed at scrape time (its lag, or that it is
 * down), and the heavy reads this process ran on the primary instead.
 */
function registerReplicaGauges(registry: client.Registry): void {
  if (!replicaConfigured()) return;
  let status: Awaited<ReturnType<typeof replicaStatus>> = null;
  // One probe a scrape, shared by the three series (each collect() runs on every scrape).
  let probing: Promise<void> | null = null;
  const probe = () => {
    probing ??= replicaStatus()
      .then((s) => void (status = s))
      .finally(() => setTimeout(() => (probing = null), 0));
    return probing;
  };
  new client.Gauge({
    name: "baton_db_replica_up",
    help: "1 if the read replica answered the last probe, 0 if not (the heavy reads then run on the primary).",
    registers: [registry],
    async collect() {
      await probe();
      this.set(status?.up ? 1 : 0);
    },
  });
  new client.Gauge({
    name: "baton_db_replica_lag_seconds",
    help: "How far the read replica is behind the primary: age of its last replayed commit, 0 when it has replayed all it received. NaN while it is down.",
    registers: [registry],
    async collect() {
      await probe();
      this.set(status?.up && status.lagSeconds !== null ? status.lagSeconds : Number.NaN);
    },
  });
  new client.Counter({
    name: "baton_db_replica_fallbacks_total",
    help: "Heavy reads this process ran on the primary instead of the read replica: the replica failed (error) or was being left alone after a failure (down).",
    labelNames: ["reason"] as const,
    registers: [registry],
    async collect() {
      await probe();
      this.reset();
      this.inc({ reason: "error" }, status?.fallbacks.error ?? 0);
      this.inc({ reason: "down" }, status?.fallbacks.down ?? 0);
    },
  });
}

export async function renderMetrics(): Promise<{ contentType: string; body: string }> {
  registerDomainGauges();
  const { registry } = metrics();
  return { contentType: registry.contentType, body: await registry.metrics() };
}
