import { jobEnvironment } from '../engine/step-kind.js';
import type { Step } from '../engine/run.js';
import { costParts, sumEstimates, type CostEstimate, type CostParts } from './estimate.js';
import type { PriceTable } from './prices.js';
import { addUsage, isFlexRS, NO_USAGE, type ResourceUsage } from './usage.js';

/** A step's usage and estimated cost, as `dfchain status` shows them. */
export interface StepCost {
  readonly usage: ResourceUsage & { readonly metricTime?: string };
  /** Estimated USD at the step's region and kind (batch or FlexRS). */
  readonly cost: number;
  /** Launched with FlexRS (priced at FlexRS rates). */
  readonly flexrs?: true;
}

/** A run's total as `dfchain status` shows it: usage summed, cost summed step by step. */
export interface RunCost {
  readonly usage: ResourceUsage;
  readonly cost: CostEstimate & {
    readonly currency: 'USD';
    /** The price table used: where its figures come from and when they were read. */
    readonly prices: { readonly source: string; readonly date: string };
  };
  /** Ended steps with no usage recorded (metrics unreadable): the total leaves them out. */
  readonly unknown: number;
}

function partsOf(step: Step, prices: PriceTable): CostParts | undefined {
  if (step.usage === undefined) return undefined;
  const flexrs = isFlexRS(jobEnvironment(step));
  return costParts({ ...NO_USAGE, ...step.usage }, step.location, flexrs, prices);
}

/** The usage and estimated cost of an ended step, or nothing when none was recorded. */
export function stepCost(step: Step, prices: PriceTable): StepCost | undefined {
  const parts = partsOf(step, prices);
  if (step.usage === undefined || parts === undefined) return undefined;
  const flexrs = isFlexRS(jobEnvironment(step));
  const cost = sumEstimates([parts]).usd;
  return { usage: step.usage, cost, ...(flexrs ? { flexrs: true as const } : {}) };
}

/**
 * The total of the run's ended steps (its history and its parts' ended steps), or nothing when
 * no step recorded any usage. Each step is priced at its own region and kind.
 */
export function runCost(steps: readonly Step[], prices: PriceTable): RunCost | undefined {
  const ended = steps.filter((step) => step.endedAt !== undefined);
  const known = ended.filter((step) => step.usage !== undefined);
  if (known.length === 0) return undefined;
  const usage = known.reduce<ResourceUsage>((sum, step) => addUsage(sum, step.usage!), NO_USAGE);
  const parts = known.map((step) => partsOf(step, prices)!);
  return {
    usage,
    cost: {
      ...sumEstimates(parts),
      currency: prices.currency,
      prices: { source: prices.source, date: prices.date },
    },
    unknown: ended.length - known.length,
  };
}

const fixed = (value: number, digits: number) => value.toFixed(digits);

/** vCPU-hours of a usage, for the human view. */
export function vcpuHours(usage: ResourceUsage): string {
  return fixed(usage.vcpuSeconds / 3600, 3);
}

/** The human line of a run's total: resources in hours and GB, then the estimate. */
export function runCostLine(total: RunCost): string {
  const u = total.usage;
  const parts = [
    `${vcpuHours(u)} vCPU-h`,
    `${fixed(u.memoryMbSeconds / 1024 / 3600, 3)} GB-h memory`,
    `${fixed(u.pdGbSeconds / 3600, 3)} GB-h PD`,
    ...(u.ssdGbSeconds > 0 ? [`${fixed(u.ssdGbSeconds / 3600, 3)} GB-h SSD`] : []),
    `${fixed(u.billableShuffleGb > 0 ? u.billableShuffleGb : u.shuffleGb, 3)} GB shuffle`,
    ...(u.streamingGb > 0 ? [`${fixed(u.streamingGb, 3)} GB streaming`] : []),
  ];
  const unknown = total.unknown > 0 ? ` (${total.unknown} step(s) without metrics left out)` : '';
  return `total ${parts.join(', ')}; estimated cost ${fixed(total.cost.usd, 4)} ${total.cost.currency}${unknown} (prices: ${total.cost.prices.date})`;
}
