// Duration histograms for KPI rollups. Percentiles cannot be added up across days, counts per
// bucket can: each rollup row keeps how many durations fell into each of BUCKETS log-spaced
// buckets, a period merges them by adding, and a percentile is read off the merged counts with
// linear interpolation inside the bucket. Bucket edges grow by 25 %, so a percentile always
// lies in the right bucket: at most 25 % off the exact value, typically a few percent (below one
// second everything is one bucket, which process durations do not need).

/** Number of buckets: [0, 1 s), then [1 s·1.25^(i-1), 1 s·1.25^i) up to ~1.1 years, then the rest. */
export const BUCKETS = 80;
const RATIO = 1.25;
const BASE_MS = 1000;

/** Lower edge of bucket i in milliseconds. */
export function bucketLowerMs(i: number): number {
  return i <= 0 ? 0 : BASE_MS * RATIO ** (i - 1);
}

/** Upper edge of bucket i (the last one is open: its upper edge is taken as 1.25 × its lower). */
export function bucketUpperMs(i: number): number {
  return BASE_MS * RATIO ** i;
}

/** Index of the bucket a duration falls into. The same formula runs in SQL (bucketSql). */
export function bucketOf(ms: number): number {
  if (!(ms >= BASE_MS)) return 0;
  return Math.min(BUCKETS - 1, 1 + Math.floor(Math.log(ms / BASE_MS) / Math.log(RATIO) + 1e-9));
}

/** SQL expression for bucketOf over a millisecond expression (0-based). */
export function bucketSql(msExpr: string): string {
  return `(CASE WHEN (${msExpr}) < ${BASE_MS} THEN 0 ELSE LEAST(${BUCKETS - 1}, 1 + FLOOR(LN((${msExpr}) / ${BASE_MS}.0) / LN(${RATIO}) + 1e-9))::int END)`;
}

export function emptyHistogram(): number[] {
  return new Array<number>(BUCKETS).fill(0);
}

/** Adds b into a (in place) and returns a. Missing entries count as 0. */
export function mergeInto(a: number[], b: readonly number[] | null | undefined): number[] {
  if (!b) return a;
  for (let i = 0; i < BUCKETS; i++) a[i] = (a[i] ?? 0) + (b[i] ?? 0);
  return a;
}

export function histogramOf(durationsMs: readonly number[]): number[] {
  const h = emptyHistogram();
  for (const ms of durationsMs) h[bucketOf(ms)]!++;
  return h;
}

export function countOf(h: readonly number[]): number {
  let n = 0;
  for (const c of h) n += c;
  return n;
}

/**
 * The q-quantile (0..1) in milliseconds, or null without data: the rank q·n is located in its
 * bucket and interpolated linearly between the bucket's edges.
 */
export function quantileMs(h: readonly number[], q: number): number | null {
  const n = countOf(h);
  if (n === 0) return null;
  const rank = Math.min(n, Math.max(0, q * n));
  let seen = 0;
  for (let i = 0; i < BUCKETS; i++) {
    const c = h[i] ?? 0;
    if (c === 0) continue;
    if (seen + c >= rank) {
      const lo = bucketLowerMs(i);
      const hi = bucketUpperMs(i);
      const within = c === 0 ? 0 : (rank - seen) / c;
      return lo + (hi - lo) * within;
    }
    seen += c;
  }
  return bucketUpperMs(BUCKETS - 1);
}

interface Percentiles {
  p50: number | null;
  p90: number | null;
  p99: number | null;
}

export function percentiles(h: readonly number[]): Percentiles {
  return { p50: quantileMs(h, 0.5), p90: quantileMs(h, 0.9), p99: quantileMs(h, 0.99) };
}
