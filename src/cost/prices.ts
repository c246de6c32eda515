import { ConfigError } from '../errors.js';

/** USD unit prices of one kind of Dataflow worker (batch or FlexRS) in one region. */
export interface UnitPrices {
  /** Per vCPU-hour. */
  readonly vcpuHour: number;
  /** Per GB-hour of worker memory. */
  readonly memoryGbHour: number;
  /** Per GB-hour of standard persistent disk. */
  readonly pdGbHour: number;
  /** Per GB-hour of SSD persistent disk. */
  readonly ssdGbHour: number;
  /** Per GB of (billable) Dataflow Shuffle data processed. */
  readonly shuffleGb: number;
  /** Per GB of Streaming Engine data processed. */
  readonly streamingGb: number;
}

/** The fields of UnitPrices. */
export const PRICE_FIELDS = [
  'vcpuHour',
  'memoryGbHour',
  'pdGbHour',
  'ssdGbHour',
  'shuffleGb',
  'streamingGb',
] as const satisfies readonly (keyof UnitPrices)[];

/** Prices of a region: batch and FlexRS. */
export interface RegionPrices {
  readonly batch: UnitPrices;
  readonly flexrs: UnitPrices;
}

/**
 * The price table: `default` prices any region the table does not name; `regions` overrides
 * them per region (each field may be left out: it is the default's). `source` and `date` say
 * where the figures come from, for the reader of a cost.
 */
export interface PriceTable {
  readonly currency: 'USD';
  readonly source: string;
  readonly date: string;
  readonly default: RegionPrices;
  readonly regions: Readonly<
    Record<string, { readonly batch?: Partial<UnitPrices>; readonly flexrs?: Partial<UnitPrices> }>
  >;
}

const BATCH_US_CENTRAL1: UnitPrices = {
  vcpuHour: 0.056,
  memoryGbHour: 0.003557,
  pdGbHour: 0.000054,
  ssdGbHour: 0.000298,
  shuffleGb: 0.011,
  streamingGb: 0.018,
};

/** FlexRS bills worker vCPU and memory 40% below batch (docs/cost.md); disk and shuffle as batch. */
const FLEXRS_DISCOUNT = 0.4;

/**
 * dfchain's built-in table: Dataflow's us-central1 batch rates as Apache Beam's cost benchmark
 * and Google's DataflowTemplates performance tests state them, FlexRS vCPU and memory 40% off;
 * every region is priced as us-central1 until a table names it (docs/cost.md, "Prices").
 */
export const DEFAULT_PRICE_TABLE: PriceTable = {
  currency: 'USD',
  source:
    'https://cloud.google.com/dataflow/pricing (us-central1 rates as quoted by apache/beam dataflow_cost_consts.py and GoogleCloudPlatform/DataflowTemplates PerformanceBenchmarkingBase.java)',
  date: '2026-11-30',
  default: {
    batch: BATCH_US_CENTRAL1,
    flexrs: {
      ...BATCH_US_CENTRAL1,
      vcpuHour: round(BATCH_US_CENTRAL1.vcpuHour * (1 - FLEXRS_DISCOUNT)),
      memoryGbHour: round(BATCH_US_CENTRAL1.memoryGbHour * (1 - FLEXRS_DISCOUNT)),
    },
  },
  regions: {},
};

function round(value: number): number {
  return Math.round(value * 1e9) / 1e9;
}

/** The prices a job in `location` pays, batch or FlexRS; `region` names the table entry used. */
export function pricesFor(
  table: PriceTable,
  location: string,
  flexrs: boolean,
): { readonly prices: UnitPrices; readonly region: string } {
  const entry = table.regions[location];
  const kind = flexrs ? 'flexrs' : 'batch';
  const base = table.default[kind];
  if (entry === undefined) return { prices: base, region: 'default' };
  return { prices: { ...base, ...entry[kind] }, region: location };
}

type Problems = string[];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unitPrices(value: unknown, path: string, problems: Problems, whole: boolean) {
  if (!isObject(value)) {
    problems.push(`${path}: must be an object of unit prices (${PRICE_FIELDS.join(', ')})`);
    return undefined;
  }
  for (const key of Object.keys(value)) {
    if (!(PRICE_FIELDS as readonly string[]).includes(key)) {
      problems.push(`${path}.${key}: unknown price (known: ${PRICE_FIELDS.join(', ')})`);
    }
  }
  for (const field of PRICE_FIELDS) {
    const price = value[field];
    if (price === undefined) {
      if (whole) problems.push(`${path}.${field}: missing (USD per unit, a number >= 0)`);
      continue;
    }
    if (typeof price !== 'number' || !Number.isFinite(price) || price < 0) {
      problems.push(`${path}.${field}: ${JSON.stringify(price)} is not a price (a number >= 0)`);
    }
  }
  return value as Partial<UnitPrices>;
}

function regionPrices(value: unknown, path: string, problems: Problems, whole: boolean) {
  if (!isObject(value)) {
    problems.push(`${path}: must be an object {"batch": {...}, "flexrs": {...}}`);
    return;
  }
  for (const key of Object.keys(value)) {
    if (key !== 'batch' && key !== 'flexrs') {
      problems.push(`${path}.${key}: unknown key (known: batch, flexrs)`);
    }
  }
  for (const kind of ['batch', 'flexrs'] as const) {
    if (value[kind] === undefined && !whole) continue;
    unitPrices(value[kind], `${path}.${kind}`, problems, whole);
  }
}

/**
 * Parses a price table from JSON text (`where` names it in messages: a file or an environment
 * variable). `default` may be left out (the built-in one is used); a region entry may give only
 * some prices. Unknown keys and negative or non-numeric prices are refused.
 * @throws ConfigError listing every problem, each with its JSON path.
 */
export function parsePriceTable(text: string, where = 'price table'): PriceTable {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(
      `${where}: not JSON (${(error as Error).message}): give a JSON object such as {"regions": {"europe-west4": {"batch": {"vcpuHour": 0.062}}}}`,
      { cause: error },
    );
  }
  const problems: Problems = [];
  if (!isObject(json)) {
    throw new ConfigError(`${where}: must be a JSON object with "default" and/or "regions"`);
  }
  const known = ['currency', 'source', 'date', 'default', 'regions'];
  for (const key of Object.keys(json)) {
    if (!known.includes(key)) problems.push(`${key}: unknown key (known: ${known.join(', ')})`);
  }
  if (json['currency'] !== undefined && json['currency'] !== 'USD') {
    problems.push(`currency: ${JSON.stringify(json['currency'])} is not supported (only "USD")`);
  }
  for (const key of ['source', 'date']) {
    if (json[key] !== undefined && typeof json[key] !== 'string') {
      problems.push(`${key}: must be a string`);
    }
  }
  if (json['default'] !== undefined) regionPrices(json['default'], 'default', problems, true);
  const regions = json['regions'] ?? {};
  if (!isObject(regions)) problems.push('regions: must be an object keyed by region');
  else {
    for (const [region, prices] of Object.entries(regions)) {
      regionPrices(prices, `regions.${region}`, problems, false);
    }
  }
  if (problems.length > 0) {
    throw new ConfigError(`${where}: ${problems.join('; ')}`);
  }
  return {
    currency: 'USD',
    source: typeof json['source'] === 'string' ? json['source'] : where,
    date: typeof json['date'] === 'string' ? json['date'] : 'unspecified',
    default: (json['default'] as RegionPrices | undefined) ?? DEFAULT_PRICE_TABLE.default,
    regions: regions as PriceTable['regions'],
  };
}
