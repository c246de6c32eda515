import { strict as assert } from 'node:assert';
import {
  costParts,
  estimateCost,
  estimateTotals,
  sumEstimates,
} from '../../../src/cost/estimate.js';
import { DEFAULT_PRICE_TABLE, parsePriceTable } from '../../../src/cost/prices.js';
import { NO_USAGE, type ResourceUsage } from '../../../src/cost/usage.js';

/**
 * 2 vCPU for an hour, 7.5 GB of memory for an hour, 25 GB of standard PD on each of 2 workers
 * for an hour, 10 GB of billable shuffle (12 GB processed).
 */
const USAGE: ResourceUsage = {
  ...NO_USAGE,
  vcpuSeconds: 7200,
  memoryMbSeconds: 7.5 * 1024 * 3600,
  pdGbSeconds: 50 * 3600,
  shuffleGb: 12,
  billableShuffleGb: 10,
};

describe('cost: estimateCost against hand-computed figures (us-central1 rates)', () => {
  it('batch: 2 vCPU-h x 0.056 + 7.5 GB-h x 0.003557 + 50 GB-h x 0.000054 + 10 GB x 0.011', () => {
    // 0.112 + 0.0266775 + 0.0027 + 0.11 = 0.2513775
    assert.deepEqual(estimateCost(USAGE, 'us-central1', false, DEFAULT_PRICE_TABLE), {
      usd: 0.2514,
      vcpu: 0.112,
      memory: 0.0267,
      pd: 0.0027,
      ssd: 0,
      shuffle: 0.11,
      streaming: 0,
    });
  });

  it('FlexRS: vCPU at 0.0336 and memory at 0.0021342 (40% off), disk and shuffle as batch', () => {
    // 0.0672 + 0.0160065 + 0.0027 + 0.11 = 0.1959065
    assert.deepEqual(estimateCost(USAGE, 'us-central1', true, DEFAULT_PRICE_TABLE), {
      usd: 0.1959,
      vcpu: 0.0672,
      memory: 0.016,
      pd: 0.0027,
      ssd: 0,
      shuffle: 0.11,
      streaming: 0,
    });
  });

  it('shuffle falls back to the total processed when no billable figure was reported; SSD and streaming are priced', () => {
    const usage = {
      ...NO_USAGE,
      shuffleGb: 12,
      ssdGbSeconds: 100 * 3600,
      streamingGb: 5,
    };
    // 12 x 0.011 = 0.132; 100 GB-h x 0.000298 = 0.0298; 5 x 0.018 = 0.09
    assert.deepEqual(estimateCost(usage, 'us-central1', false, DEFAULT_PRICE_TABLE), {
      usd: 0.2518,
      vcpu: 0,
      memory: 0,
      pd: 0,
      ssd: 0.0298,
      shuffle: 0.132,
      streaming: 0.09,
    });
  });

  it('a region the table names is priced at its own rates; others at the default', () => {
    const table = parsePriceTable(
      JSON.stringify({ regions: { 'europe-west4': { batch: { vcpuHour: 0.1 } } } }),
    );
    const usage = { ...NO_USAGE, vcpuSeconds: 3600 };
    assert.equal(estimateCost(usage, 'europe-west4', false, table).usd, 0.1);
    assert.equal(estimateCost(usage, 'asia-east1', false, table).usd, 0.056);
    // The region's FlexRS entry is not given: the default FlexRS rate applies.
    assert.equal(estimateCost(usage, 'europe-west4', true, table).usd, 0.0336);
  });

  it('no usage costs nothing', () => {
    assert.equal(estimateCost(NO_USAGE, 'us-central1', false, DEFAULT_PRICE_TABLE).usd, 0);
  });
});

describe('cost: totals by pricing class', () => {
  it('prices each class (region, FlexRS) at its rates and adds them', () => {
    const totals = { 'us-central1': USAGE, 'us-central1/flexrs': USAGE };
    // 0.2513775 + 0.1959065 = 0.447284
    assert.equal(estimateTotals(totals, DEFAULT_PRICE_TABLE).usd, 0.4473);
    assert.equal(estimateTotals(undefined, DEFAULT_PRICE_TABLE).usd, 0);
  });

  it('sumEstimates adds the exact parts, then rounds once', () => {
    const one = costParts(USAGE, 'us-central1', false, DEFAULT_PRICE_TABLE);
    // Memory: 2 x 0.0266775 = 0.053355 (two rounded parts would make 0.0534 as well; the total
    // 0.502755 would be 0.5028 either way: see the status test for a case where order matters).
    assert.deepEqual(sumEstimates([one, one]), {
      usd: 0.5028,
      vcpu: 0.224,
      memory: 0.0534,
      pd: 0.0054,
      ssd: 0,
      shuffle: 0.22,
      streaming: 0,
    });
  });
});
