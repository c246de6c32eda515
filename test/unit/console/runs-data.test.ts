import { strict as assert } from 'node:assert';
import sinon from 'sinon';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pageRunsQuery, runRow, runsOfDocs, runsPayload } from '../../../src/console/runs-data.js';
import type { PriceTable, UnitPrices } from '../../../src/cost/prices.js';
import { NO_USAGE } from '../../../src/cost/usage.js';
import type { RunsQuery } from '../../../src/cli/runs.js';
import { NOW, RUNS, consoleContext, stockedStore } from './kit.js';

const FREE: UnitPrices = {
  vcpuHour: 0,
  memoryGbHour: 0,
  pdGbHour: 0,
  ssdGbHour: 0,
  shuffleGb: 0,
  streamingGb: 0,
};

/** 2 USD a batch vCPU-hour, 1 USD a FlexRS one, 0.5 USD a GB of shuffle; nothing else costs. */
const PRICES: PriceTable = {
  currency: 'USD',
  source: 'test',
  date: '2026-01-01',
  default: {
    batch: { ...FREE, vcpuHour: 2, shuffleGb: 0.5 },
    flexrs: { ...FREE, vcpuHour: 1, shuffleGb: 0.5 },
  },
  regions: {},
};

function query(args: Parameters<typeof pageRunsQuery>[0] = {}): RunsQuery {
  const checked = pageRunsQuery(args, NOW);
  if (typeof checked === 'string') throw new Error(checked);
  return checked;
}

describe('console runs-data', () => {
  describe('runRow', () => {
    it('a run with usage: its cost from the usage totals, each pricing class at its prices', () => {
      const row = runRow(
        {
          ...RUNS.ok,
          redriveCount: 2,
          usage: {
            'europe-west4': { ...NO_USAGE, vcpuSeconds: 3 * 3600, billableShuffleGb: 4 },
            'europe-west4/flexrs': { ...NO_USAGE, vcpuSeconds: 3600 },
          },
        },
        { prices: PRICES },
      );
      assert.deepEqual(row, {
        id: 'r-ok',
        chain: 'daily',
        status: 'SUCCEEDED',
        startTime: RUNS.ok.startTime,
        endTime: RUNS.ok.endTime,
        cost: { usd: 9, vcpu: 7, memory: 0, pd: 0, ssd: 0, shuffle: 2, streaming: 0 },
        redriveCount: 2,
      });
    });

    it('no usage recorded: no cost; an error is kept; a queued run is QUEUED', () => {
      assert.equal('cost' in runRow(RUNS.running, { prices: PRICES }), false);
      assert.deepEqual(runRow(RUNS.bad, { prices: PRICES }).error, RUNS.bad.error);
      assert.equal(runRow(RUNS.queued, { prices: PRICES }).status, 'QUEUED');
      assert.equal(
        runRow({ ...RUNS.queued, status: 'CANCELLED' }, { prices: PRICES }).status,
        'CANCELLED',
      );
    });
  });

  describe('pageRunsQuery', () => {
    it('checks as dfchain runs does, worded without the command and its dashes', () => {
      assert.deepEqual(pageRunsQuery({ status: 'queued', since: '3h' }, NOW), {
        status: 'QUEUED',
        since: '2026-11-22T09:00:00.000Z',
        limit: 50,
      });
      for (const args of [{ since: 'soon' }, { status: 'x' }, { limit: '1001' }]) {
        const refused = pageRunsQuery(args, NOW);
        assert.ok(typeof refused === 'string', JSON.stringify(args));
        assert.doesNotMatch(refused, /dfchain runs|--/);
      }
    });
  });

  describe('runsPayload', () => {
    it('the QUEUED filter selects the runs waiting for a slot', async () => {
      const ctx = consoleContext({ store: await stockedStore() });
      const payload = await runsPayload(ctx, query({ status: 'QUEUED' }));
      assert.deepEqual(
        payload.runs.map((r) => [r.id, r.status]),
        [['q1', 'QUEUED']],
      );
      const running = await runsPayload(ctx, query({ status: 'RUNNING' }));
      assert.deepEqual(
        running.runs.map((r) => r.id),
        ['r-run'],
        'a queued run is not listed RUNNING',
      );
    });

    it('truncated when the limit came back full, not otherwise', async () => {
      const ctx = consoleContext({ store: await stockedStore() });
      const three = await runsPayload(ctx, query({ limit: '3' }));
      assert.deepEqual(
        three.runs.map((r) => r.id),
        ['r-run', 'q1', 'r-bad'],
      );
      assert.equal(three.truncated, true);
      const five = await runsPayload(ctx, query({ limit: '5' }));
      assert.equal(five.runs.length, 4);
      assert.equal(five.truncated, false);
    });

    it("each row's cost, the chains folder's names and the server's clock", async () => {
      const store = await stockedStore();
      await store.create({
        ...RUNS.ok,
        id: 'r-cost',
        startTime: '2026-11-22T11:30:00.000Z',
        usage: { 'us-central1': { ...NO_USAGE, vcpuSeconds: 1800 } },
      });
      const dir = mkdtempSync(join(tmpdir(), 'dfchain-console-runs-'));
      for (const name of ['b.json', 'a.json', 'schema.json', 'notes.txt'])
        writeFileSync(join(dir, name), '{}');
      const ctx = consoleContext({ store, prices: PRICES, chainsDir: dir });
      const payload = await runsPayload(ctx, query({ chain: 'daily' }));
      assert.deepEqual(
        payload.runs.map((r) => [r.id, r.cost?.usd]),
        [
          ['r-cost', 1],
          ['r-bad', undefined],
          ['r-ok', undefined],
        ],
      );
      assert.deepEqual(payload.chains, ['a', 'b']);
      assert.equal(payload.now, NOW.toISOString());
      assert.deepEqual(payload.query, {
        chain: 'daily',
        since: '2026-11-21T12:00:00.000Z',
        limit: 50,
      });
    });

    it('an unreadable chains folder: no chains to filter by, the runs still listed', async () => {
      const ctx = consoleContext({ store: await stockedStore() });
      const payload = await runsPayload(ctx, query());
      assert.deepEqual(payload.chains, []);
      assert.equal(payload.runs.length, 4);
    });
  });
});

describe('console runs-data: from the feed’s documents', () => {
  it('selects as the store’s listRuns does: no parts, the window, the filters, newest first, the limit', async () => {
    const store = await stockedStore();
    const docs = [...Object.values(RUNS), ...(await store.parts('r-bad'))];
    for (const args of [
      {},
      { chain: 'daily' },
      { status: 'FAILED' },
      { status: 'QUEUED' },
      { limit: '2' },
    ]) {
      const q = query(args);
      const listed = await store.listRuns({
        since: q.since,
        limit: q.limit,
        match: (run) =>
          (q.chain === undefined || run.chain === q.chain) &&
          (q.status === undefined || runRow(run, { prices: PRICES }).status === q.status),
      });
      assert.deepEqual(
        runsOfDocs(docs, q).map((r) => r.id),
        listed.map((r) => r.id),
        JSON.stringify(args),
      );
    }
  });

  it('the payload from documents reads nothing from the store', async () => {
    const store = await stockedStore();
    const docs = Object.values(RUNS);
    const list = sinon.spy(store, 'listRuns');
    const payload = await runsPayload(consoleContext({ store }), query(), docs);
    sinon.assert.notCalled(list);
    assert.ok(payload.runs.length > 0);
    sinon.restore();
  });
});
