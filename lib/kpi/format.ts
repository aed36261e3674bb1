// Formatting of KPI values, shared by the API's bottleneck sentence and the dashboard (no server imports).

/** "3 h 20 min" style, for the bottleneck sentence. */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

/** "12.5 %" (one decimal below 10 %), or "—" without data. */
export function formatRate(rate: number | null): string {
  if (rate === null) return "—";
  const pct = rate * 100;
  return `${pct < 10 && pct > 0 ? pct.toFixed(1) : Math.round(pct)} %`;
}

export function formatMs(ms: number | null): string {
  return ms === null ? "—" : formatDuration(ms);
}
