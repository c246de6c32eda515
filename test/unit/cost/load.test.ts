import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { priceTableFromEnv } from '../../../src/cost/load.js';
import { DEFAULT_PRICE_TABLE, pricesFor } from '../../../src/cost/prices.js';
import { ConfigError } from '../../../src/errors.js';

describe('cost: priceTableFromEnv (DFCHAIN_PRICES)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'dfchain-prices-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is the built-in table when unset or blank', () => {
    assert.equal(priceTableFromEnv({}), DEFAULT_PRICE_TABLE);
    assert.equal(priceTableFromEnv({ DFCHAIN_PRICES: '  ' }), DEFAULT_PRICE_TABLE);
  });

  it('reads inline JSON', () => {
    const table = priceTableFromEnv({
      DFCHAIN_PRICES: '{"regions": {"europe-west4": {"batch": {"vcpuHour": 0.07}}}}',
    });
    assert.equal(pricesFor(table, 'europe-west4', false).prices.vcpuHour, 0.07);
    assert.equal(table.source, 'DFCHAIN_PRICES');
  });

  it('reads a JSON file by its path', () => {
    const file = join(dir, 'prices.json');
    writeFileSync(
      file,
      '{"date": "2026-12-01", "regions": {"us-east1": {"flexrs": {"vcpuHour": 0.03}}}}',
    );
    const table = priceTableFromEnv({ DFCHAIN_PRICES: file });
    assert.equal(pricesFor(table, 'us-east1', true).prices.vcpuHour, 0.03);
    assert.equal(table.source, `DFCHAIN_PRICES file ${file}`);
    assert.equal(table.date, '2026-12-01');
  });

  it('names the file it cannot read, or the problems of the one it read', () => {
    const missing = join(dir, 'nope.json');
    assert.throws(
      () => priceTableFromEnv({ DFCHAIN_PRICES: missing }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.message.startsWith(`DFCHAIN_PRICES: cannot read the price table file ${missing} (`) &&
        error.message.endsWith(
          '): give a readable JSON file, or the JSON itself (starting with "{")',
        ),
    );
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"regions": {"x": {"batch": {"vcpuHour": "cheap"}}}}');
    assert.throws(
      () => priceTableFromEnv({ DFCHAIN_PRICES: bad }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.message ===
          `DFCHAIN_PRICES file ${bad}: regions.x.batch.vcpuHour: "cheap" is not a price (a number >= 0)`,
    );
  });
});
