/** Percentiles and rounding for the report. */

/** The p-th percentile (0–100) by nearest rank of an ascending array; NaN when empty. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** Ascending copy of several arrays merged (numeric sort). */
export function mergeSorted(arrays: readonly (readonly number[])[]): Float64Array {
  const total = arrays.reduce((n, a) => n + a.length, 0);
  const merged = new Float64Array(total);
  let offset = 0;
  for (const a of arrays) {
    merged.set(a, offset);
    offset += a.length;
  }
  return merged.sort();
}

export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
