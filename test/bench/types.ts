/** One measured figure; `npm run bench` prints each as a JSON line. */
export interface BenchLine {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly [detail: string]: unknown;
}

/** Runs `fn` repeatedly for about `ms` milliseconds after a warm-up and returns calls per second. */
export function opsPerSecond(fn: () => unknown, ms = 2000): { opsPerSec: number; calls: number } {
  const warmUntil = performance.now() + Math.min(500, ms / 4);
  while (performance.now() < warmUntil) fn();
  let calls = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 100; i++) fn();
    calls += 100;
    now = performance.now();
  }
  return { opsPerSec: Math.round((calls * 1000) / (now - start)), calls };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
