import { strict as assert } from 'node:assert';
import { DEFAULT_PRICE_TABLE, parsePriceTable, pricesFor } from '../../../src/cost/prices.js';
import { ConfigError } from '../../../src/errors.js';

const refusal = (text: string, message: string) =>
  assert.throws(
    () => parsePriceTable(text, 'DFCHAIN_PRICES'),
    (error: unknown) => error instanceof ConfigError && error.message === message,
  );

describe('cost: the built-in price table', () => {
  it('has the us-central1 batch rates and FlexRS 40% off vCPU and memory only', () => {
    assert.deepEqual(DEFAULT_PRICE_TABLE.default.batch, {
      vcpuHour: 0.056,
      memoryGbHour: 0.003557,
      pdGbHour: 0.000054,
      ssdGbHour: 0.000298,
      shuffleGb: 0.011,
      streamingGb: 0.018,
    });
    assert.deepEqual(DEFAULT_PRICE_TABLE.default.flexrs, {
      ...DEFAULT_PRICE_TABLE.default.batch,
      vcpuHour: 0.0336,
      memoryGbHour: 0.0021342,
    });
    assert.equal(pricesFor(DEFAULT_PRICE_TABLE, 'europe-west4', false).region, 'default');
  });
});

describe('cost: parsePriceTable', () => {
  it('reads a partial region entry over the default, and names its source and date', () => {
    const table = parsePriceTable(
      JSON.stringify({
        source: 'my billing export',
        date: '2026-11-01',
        regions: { 'europe-west4': { batch: { vcpuHour: 0.0631, memoryGbHour: 0.004 } } },
      }),
    );
    assert.equal(table.source, 'my billing export');
    assert.equal(table.date, '2026-11-01');
    assert.deepEqual(pricesFor(table, 'europe-west4', false), {
      prices: { ...DEFAULT_PRICE_TABLE.default.batch, vcpuHour: 0.0631, memoryGbHour: 0.004 },
      region: 'europe-west4',
    });
  });

  it('takes a whole default of its own, and says where a table without source or date came from', () => {
    const batch = {
      vcpuHour: 1,
      memoryGbHour: 2,
      pdGbHour: 3,
      ssdGbHour: 4,
      shuffleGb: 5,
      streamingGb: 6,
    };
    const table = parsePriceTable(
      JSON.stringify({ default: { batch, flexrs: batch } }),
      'prices.json',
    );
    assert.deepEqual(pricesFor(table, 'us-east1', true).prices, batch);
    assert.equal(table.source, 'prices.json');
    assert.equal(table.date, 'unspecified');
  });

  it('refuses text that is not JSON, with an example of what to give', () => {
    assert.throws(
      () => parsePriceTable('{', 'DFCHAIN_PRICES'),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.message.startsWith('DFCHAIN_PRICES: not JSON (') &&
        error.message.endsWith(
          '): give a JSON object such as {"regions": {"europe-west4": {"batch": {"vcpuHour": 0.062}}}}',
        ),
    );
  });

  it('refuses a JSON value that is not an object', () => {
    refusal('[1]', 'DFCHAIN_PRICES: must be a JSON object with "default" and/or "regions"');
  });

  it('lists every problem with its JSON path', () => {
    refusal(
      JSON.stringify({
        currency: 'EUR',
        extra: 1,
        date: 7,
        regions: {
          'europe-west4': { batch: { vcpuHour: -1, cpuHour: 1 }, spot: {} },
          'us-east1': 3,
        },
      }),
      'DFCHAIN_PRICES: extra: unknown key (known: currency, source, date, default, regions); currency: "EUR" is not supported (only "USD"); date: must be a string; regions.europe-west4.spot: unknown key (known: batch, flexrs); regions.europe-west4.batch.cpuHour: unknown price (known: vcpuHour, memoryGbHour, pdGbHour, ssdGbHour, shuffleGb, streamingGb); regions.europe-west4.batch.vcpuHour: -1 is not a price (a number >= 0); regions.us-east1: must be an object {"batch": {...}, "flexrs": {...}}',
    );
  });

  it('requires every price of a default, and an object of regions', () => {
    refusal(
      JSON.stringify({ default: { batch: { vcpuHour: 1 } }, regions: [] }),
      'DFCHAIN_PRICES: default.batch.memoryGbHour: missing (USD per unit, a number >= 0); default.batch.pdGbHour: missing (USD per unit, a number >= 0); default.batch.ssdGbHour: missing (USD per unit, a number >= 0); default.batch.shuffleGb: missing (USD per unit, a number >= 0); default.batch.streamingGb: missing (USD per unit, a number >= 0); default.flexrs: must be an object of unit prices (vcpuHour, memoryGbHour, pdGbHour, ssdGbHour, shuffleGb, streamingGb); regions: must be an object keyed by region',
    );
  });
});
