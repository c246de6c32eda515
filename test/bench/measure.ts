/** Wall time and CPU time (user + system) of one measured section. */
export interface Sample {
  readonly wallMs: number;
  readonly cpuMs: number;
}

/** Measures `work` with performance.now() and process.cpuUsage(). */
export async function measure(work: () => Promise<void> | void): Promise<Sample> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await work();
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { wallMs, cpuMs: (used.user + used.system) / 1000 };
}

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length % 2 === 1) return sorted[middle]!;
  return (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** How long to repeat a synchronous operation: at least `minMs`, within an iteration range. */
export interface RepeatOptions {
  readonly minMs: number;
  readonly minIterations: number;
  readonly maxIterations: number;
}

/**
 * Microseconds per call of a synchronous, pure `operation`: warmed up, then repeated in batches
 * until `minMs` has passed; the median batch mean is returned so one GC pause does not count.
 */
export function microsPerCall(operation: () => unknown, options: RepeatOptions): number {
  const batch = Math.max(1, Math.floor(options.minIterations / 5));
  for (let i = 0; i < batch; i++) operation();
  const means: number[] = [];
  let iterations = 0;
  const start = performance.now();
  while (
    iterations < options.maxIterations &&
    (iterations < options.minIterations || performance.now() - start < options.minMs)
  ) {
    const batchStart = performance.now();
    for (let i = 0; i < batch; i++) operation();
    means.push(((performance.now() - batchStart) * 1000) / batch);
    iterations += batch;
  }
  return median(means);
}

/** Runs `work(0..count-1)` with at most `concurrency` calls in flight. */
export async function runPool(
  count: number,
  concurrency: number,
  work: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) await work(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}
