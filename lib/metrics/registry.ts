import client, { type Registry } from "prom-client";

// One Prometheus registry per process (web or worker), kept on globalThis so Next.js reloads in
// development do not register the same metric twice. Domains add their own series through
// extendMetrics (the engine's circuit breakers), so this module knows none of them.
const g = globalThis as unknown as { batonMetrics?: ReturnType<typeof build>; batonMetricExtensions?: Map<string, (r: Registry) => void> };

function extensions(): Map<string, (r: Registry) => void> {
  g.batonMetricExtensions ??= new Map();
  return g.batonMetricExtensions;
}

/** Adds a domain's series to this process's registry, once per name (now, or when it is built). */
export function extendMetrics(name: string, register: (registry: Registry) => void): void {
  if (extensions().has(name)) return;
  extensions().set(name, register);
  if (g.batonMetrics) register(g.batonMetrics.registry);
}

function build() {
  const registry = new client.Registry();
  // A few process series of our own: prom-client's default set trips promtool's naming lint
  // (gauges ending in _total), and the output must pass `promtool check metrics`.
  new client.Gauge({
    name: "baton_process_resident_memory_bytes",
    help: "Resident set size of this process.",
    registers: [registry],
    collect() {
      this.set(process.memoryUsage().rss);
    },
  });
  new client.Gauge({
    name: "baton_process_heap_used_bytes",
    help: "V8 heap in use by this process.",
    registers: [registry],
    collect() {
      this.set(process.memoryUsage().heapUsed);
    },
  });
  new client.Gauge({
    name: "baton_process_uptime_seconds",
    help: "Seconds since this process started.",
    registers: [registry],
    collect() {
      this.set(process.uptime());
    },
  });
  const httpDuration = new client.Histogram({
    name: "baton_http_request_duration_seconds",
    help: "API request latency by method, matched route pattern (or \"unmatched\") and status code.",
    labelNames: ["method", "route", "status"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const jobDuration = new client.Histogram({
    name: "baton_job_duration_seconds",
    help: "Worker job run time by queue, job name and outcome.",
    labelNames: ["queue", "job", "outcome"] as const,
    buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60],
    registers: [registry],
  });
  for (const register of extensions().values()) register(registry);
  // Due time of an escalation level to its commit (lib/sla): how late deadlines are enforced.
  const escalationLateness = new client.Histogram({
    name: "baton_escalation_lateness_seconds",
    help: "Time from an escalation level's due time to its commit, by action and by what fired it (timer or sweep).",
    labelNames: ["action", "fired_by"] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60, 300],
    registers: [registry],
  });
  return { registry, httpDuration, jobDuration, escalationLateness };
}

export function metrics() {
  g.batonMetrics ??= build();
  return g.batonMetrics;
}
