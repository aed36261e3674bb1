import client, { type Registry } from "prom-client";
import type { LoopLiveness, LoopState } from "./loops";
import type { Repair } from "./schedules";

/**
 * The worker's own series on its /metrics: each periodic loop's last run and staleness (read from
 * the record all workers share, so every worker reports the same values), and the schedulers this
 * process had to re-create.
 */
export function registerWorkerMetrics(registry: Registry, liveness: LoopLiveness): { countRepair: (r: Repair) => void } {
  const loopGauge = (name: string, help: string, value: (s: LoopState) => number | null) =>
    new client.Gauge({
      name,
      help,
      labelNames: ["loop"] as const,
      registers: [registry],
      async collect() {
        this.reset();
        // Redis unreadable: no series rather than a failed scrape (/health says why).
        for (const s of await liveness.status().catch(() => [])) {
          const v = value(s);
          if (v !== null) this.set({ loop: s.loop }, v);
        }
      },
    });
  loopGauge("baton_worker_loop_last_run_timestamp_seconds", "Unix time of the last completed run of each periodic loop of the worker (absent until one ran).", (s) => (s.lastRunAt ? s.lastRunAt.getTime() / 1000 : null));
  loopGauge("baton_worker_loop_stale", "1 when a periodic loop of the worker has not run within its interval plus WORKER_LOOP_GRACE_MS, else 0.", (s) => (s.stale ? 1 : 0));
  const repairs = new client.Counter({
    name: "baton_worker_schedule_repairs_total",
    help: "Job schedulers this worker process re-created because Redis had lost them or their next job.",
    labelNames: ["schedule", "reason"] as const,
    registers: [registry],
  });
  return { countRepair: (r) => repairs.inc({ schedule: r.schedule, reason: r.reason }) };
}
