import { describe, expect, it } from "vitest";
import { BUCKETS, bucketLowerMs, bucketOf, bucketUpperMs, countOf, histogramOf, mergeInto, emptyHistogram, quantileMs, percentiles } from "./histogram";

describe("KPI duration histogram", () => {
  it("puts a duration into the bucket whose edges contain it", () => {
    for (const ms of [0, 999, 1000, 1249, 1250, 60_000, 3_600_000, 86_400_000, 30 * 86_400_000]) {
      const i = bucketOf(ms);
      expect(ms).toBeGreaterThanOrEqual(bucketLowerMs(i));
      expect(ms).toBeLessThan(bucketUpperMs(i));
    }
    expect(bucketOf(1e15)).toBe(BUCKETS - 1);
    expect(bucketOf(Number.NaN)).toBe(0);
  });

  it("reads percentiles within one bucket (25 %) of the exact value", () => {
    const hours = Array.from({ length: 1000 }, (_, i) => (i + 1) * 60_000); // 1 .. 1000 minutes
    const p = percentiles(histogramOf(hours));
    expect(Math.abs(p.p50! - 500 * 60_000) / (500 * 60_000)).toBeLessThan(0.25);
    expect(Math.abs(p.p90! - 900 * 60_000) / (900 * 60_000)).toBeLessThan(0.25);
    expect(Math.abs(p.p99! - 990 * 60_000) / (990 * 60_000)).toBeLessThan(0.25);
  });

  it("merges days by adding counts, giving the same answer as one histogram", () => {
    const a = [5_000, 7_000, 9_000];
    const b = [100_000, 200_000];
    const merged = mergeInto(mergeInto(emptyHistogram(), histogramOf(a)), histogramOf(b));
    expect(merged).toEqual(histogramOf([...a, ...b]));
    expect(countOf(merged)).toBe(5);
    expect(quantileMs(emptyHistogram(), 0.5)).toBeNull();
  });
});
