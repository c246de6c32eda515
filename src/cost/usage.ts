/**
 * What a Dataflow job used, in the units Dataflow reports (docs/cost.md): the totals of
 * `jobs.getMetrics` (origin `dataflow/v1b3`). Pure data, so the engine may store and add it.
 */
export interface ResourceUsage {
  /** `TotalVcpuTime` (original name `Service-cpu_num_seconds`): vCPU-seconds. */
  readonly vcpuSeconds: number;
  /** `TotalMemoryUsage` (`Service-mem_mb_seconds`): MB-seconds. */
  readonly memoryMbSeconds: number;
  /** `TotalPdUsage` (`Service-pd_gb_seconds`): GB-seconds of standard persistent disk. */
  readonly pdGbSeconds: number;
  /** `TotalSsdUsage` (`Service-pd_ssd_gb_seconds`): GB-seconds of SSD persistent disk. */
  readonly ssdGbSeconds: number;
  /** `TotalShuffleDataProcessed` (`Service-shuffle_service_actual_gb`): GB. */
  readonly shuffleGb: number;
  /** `BillableShuffleDataProcessed` (`Service-shuffle_service_chargeable_gb`): GB, what is billed. */
  readonly billableShuffleGb: number;
  /** `TotalStreamingDataProcessed` (`Service-streaming_service_gb`): GB. */
  readonly streamingGb: number;
}

/** The fields of ResourceUsage, in display order. */
export const USAGE_FIELDS = [
  'vcpuSeconds',
  'memoryMbSeconds',
  'pdGbSeconds',
  'ssdGbSeconds',
  'shuffleGb',
  'billableShuffleGb',
  'streamingGb',
] as const satisfies readonly (keyof ResourceUsage)[];

/** A job that used nothing (or whose metrics were all absent). */
export const NO_USAGE: ResourceUsage = {
  vcpuSeconds: 0,
  memoryMbSeconds: 0,
  pdGbSeconds: 0,
  ssdGbSeconds: 0,
  shuffleGb: 0,
  billableShuffleGb: 0,
  streamingGb: 0,
};

/** The sum of two usages, field by field; a field missing on a stored usage counts 0. */
export function addUsage(a: Partial<ResourceUsage>, b: Partial<ResourceUsage>): ResourceUsage {
  const sum = { ...NO_USAGE } as Record<keyof ResourceUsage, number>;
  for (const field of USAGE_FIELDS) sum[field] = (a[field] ?? 0) + (b[field] ?? 0);
  return sum;
}

/**
 * Usage summed per pricing class: `{location}` for a regular batch job, `{location}/flexrs`
 * for one launched with `flexrsGoal: FLEXRS_COST_OPTIMIZED`. Prices differ by region and
 * between batch and FlexRS, so a total must keep them apart to be priced exactly.
 */
export type UsageTotals = Readonly<Record<string, ResourceUsage>>;

/** The UsageTotals key of a job in `location`, FlexRS or not. */
export function usageKey(location: string, flexrs: boolean): string {
  return flexrs ? `${location}/flexrs` : location;
}

/** The location and FlexRS flag a UsageTotals key stands for. */
export function parseUsageKey(key: string): {
  readonly location: string;
  readonly flexrs: boolean;
} {
  return key.endsWith('/flexrs')
    ? { location: key.slice(0, -'/flexrs'.length), flexrs: true }
    : { location: key, flexrs: false };
}

/** `totals` with `usage` added under its pricing class. */
export function addToTotals(
  totals: UsageTotals | undefined,
  key: string,
  usage: ResourceUsage,
): UsageTotals {
  return { ...totals, [key]: addUsage(totals?.[key] ?? NO_USAGE, usage) };
}

/** Two totals merged, class by class. */
export function mergeTotals(a: UsageTotals | undefined, b: UsageTotals | undefined): UsageTotals {
  let merged: UsageTotals = { ...a };
  for (const [key, usage] of Object.entries(b ?? {})) merged = addToTotals(merged, key, usage);
  return merged;
}

/** Every class of `totals` added into one usage. */
export function totalUsage(totals: UsageTotals | undefined): ResourceUsage {
  return Object.values(totals ?? {}).reduce<ResourceUsage>(addUsage, NO_USAGE);
}

/**
 * True when a Flex Template launch asked for FlexRS: `environment.flexrsGoal` of
 * FlexTemplateRuntimeEnvironment is `FLEXRS_COST_OPTIMIZED` (googleapis' v1b3 types; the Job
 * itself calls it `environment.flexResourceSchedulingGoal`).
 */
export function isFlexRS(environment: Readonly<Record<string, unknown>> | undefined): boolean {
  return environment?.['flexrsGoal'] === 'FLEXRS_COST_OPTIMIZED';
}
