/** "2 running · 1 failed", or "no instances": an instance count by state, busiest states first. */
export function instanceCounts(c: Record<string, number>): string {
  const order = ["RUNNING", "WAITING", "FAILED", "COMPLETED", "CANCELLED"];
  const parts = order.filter((s) => c[s]).map((s) => `${c[s]} ${s.toLowerCase()}`);
  return parts.length ? parts.join(" · ") : "no instances";
}
