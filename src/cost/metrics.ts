import { NO_USAGE, type ResourceUsage } from './usage.js';

/** One `MetricUpdate` of `jobs.getMetrics`, as far as dfchain reads it (google/dataflow/v1beta3/metrics.proto). */
export interface MetricUpdate {
  readonly name?: {
    readonly origin?: string | null;
    readonly name?: string | null;
    readonly context?: Readonly<Record<string, string>> | null;
  } | null;
  /** A `google.protobuf.Value`: a number in JSON (googleapis types it `any`). */
  readonly scalar?: unknown;
}

/** The `JobMetrics` answer of `jobs.getMetrics`. */
export interface JobMetrics {
  /** "Timestamp as of which metric values are current." */
  readonly metricTime?: string | null;
  readonly metrics?: readonly MetricUpdate[] | null;
}

/** Dataflow's service metric names, by the ResourceUsage field each fills. */
export const METRIC_NAMES = {
  vcpuSeconds: 'TotalVcpuTime',
  memoryMbSeconds: 'TotalMemoryUsage',
  pdGbSeconds: 'TotalPdUsage',
  ssdGbSeconds: 'TotalSsdUsage',
  shuffleGb: 'TotalShuffleDataProcessed',
  billableShuffleGb: 'BillableShuffleDataProcessed',
  streamingGb: 'TotalStreamingDataProcessed',
} as const satisfies Record<keyof ResourceUsage, string>;

/**
 * Origins of the service's metrics: `dataflow/v1b3` in the answers Beam's DataflowMetrics and
 * `gcloud dataflow metrics list` show, "dataflow" in the field's own documentation (googleapis'
 * v1b3 MetricStructuredName); user counters are `user`.
 */
export const SERVICE_ORIGINS: readonly string[] = ['dataflow/v1b3', 'dataflow'];

function numberOf(scalar: unknown): number | undefined {
  // proto3 JSON writes int64 as a string; Value's number_value is a JSON number.
  const value = typeof scalar === 'string' && scalar.trim() !== '' ? Number(scalar) : scalar;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/**
 * The job's usage from its `JobMetrics`, or undefined when none of the resource metrics is in
 * it (Dataflow reports them some minutes after the end, or never for a job that never started
 * workers). Only the service's job-wide metrics count: origin `dataflow/v1b3`, no `step` in the
 * context; of a committed and a `tentative` value, the committed one (as Beam's DataflowMetrics
 * pairs them).
 */
export function usageFromMetrics(metrics: JobMetrics): ResourceUsage | undefined {
  const committed = new Map<string, number>();
  const tentative = new Map<string, number>();
  for (const update of metrics.metrics ?? []) {
    const name = update.name;
    if (!SERVICE_ORIGINS.includes(name?.origin ?? '') || typeof name?.name !== 'string') continue;
    if (name.context?.['step'] !== undefined) continue;
    const value = numberOf(update.scalar);
    if (value === undefined) continue;
    (name.context?.['tentative'] === 'true' ? tentative : committed).set(name.name, value);
  }
  let found = false;
  const usage = { ...NO_USAGE } as Record<keyof ResourceUsage, number>;
  for (const [field, metric] of Object.entries(METRIC_NAMES) as [keyof ResourceUsage, string][]) {
    const value = committed.get(metric) ?? tentative.get(metric);
    if (value === undefined) continue;
    usage[field] = value;
    found = true;
  }
  return found ? usage : undefined;
}
