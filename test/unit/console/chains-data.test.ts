import { strict as assert } from 'node:assert';
import sinon from 'sinon';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chainsPayload } from '../../../src/console/chains-data.js';
import { NOW, RUNS, consoleContext } from './kit.js';
import { MemoryRunStore } from '../../../src/store/memory.js';

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'dfchain-console-chains-'));
  for (const [name, from] of Object.entries(files)) copyFileSync(from, join(dir, name));
  return dir;
}

describe('console chains-data: chainsPayload', () => {
  it('an unreadable chains folder: no chains, one problem line saying what to do', async () => {
    const payload = await chainsPayload(consoleContext({ chainsDir: '/nonexistent/chains' }));
    assert.deepEqual(payload, {
      chains: [],
      dir: '/nonexistent/chains',
      problems: [
        'the chains folder "/nonexistent/chains" cannot be read: start dfchain console in your project\'s folder, or set DFCHAIN_CHAINS_DIR',
      ],
      now: NOW.toISOString(),
    });
  });

  it('each chain in name order; no schedule when it has none; its newest 5 runs of 7 days, from the store or from the feed’s documents', async () => {
    const dir = folder({
      'nightly.json': 'test/fixtures/schedule-chains/nightly.json',
      'fanout.json': 'test/fixtures/e2e-chains/fanout.json',
    });
    const store = new MemoryRunStore();
    for (let i = 0; i < 7; i++) {
      await store.create({
        ...RUNS.ok,
        id: `f-${i}`,
        chain: 'fanout',
        startTime: `2026-11-${16 + i}T10:00:00.000Z`,
      });
    }
    await store.create({
      ...RUNS.ok,
      id: 'f-old',
      chain: 'fanout',
      startTime: '2026-11-15T10:00:00.000Z',
    });
    await store.create({ ...RUNS.ok, id: 'other', chain: 'daily' });
    const payload = await chainsPayload(consoleContext({ store, chainsDir: dir }));
    assert.deepEqual(
      payload.chains.map((c) => c.name),
      ['fanout', 'nightly'],
    );
    const [fanout, nightly] = payload.chains;
    assert.equal(fanout!.schedule, undefined);
    assert.equal('schedule' in fanout!, false);
    assert.match(fanout!.comment ?? '', /^Parallel: two branches/);
    assert.match(fanout!.graph, /s_Fan_z_0_z_Left/);
    assert.deepEqual(
      fanout!.lastRuns.map((r) => r.id),
      ['f-6', 'f-5', 'f-4', 'f-3', 'f-2'],
    );
    assert.deepEqual(nightly!.lastRuns, []);
    assert.equal(nightly!.schedule?.next.length, 3);
    assert.deepEqual(payload.problems, []);
    const docs = await store.listRuns({ since: '2026-01-01T00:00:00.000Z', limit: 100 });
    const list = sinon.spy(store, 'listRuns');
    const fromDocs = await chainsPayload(consoleContext({ store, chainsDir: dir }), docs);
    sinon.assert.notCalled(list);
    assert.deepEqual({ ...fromDocs, now: '' }, { ...payload, now: '' });
    sinon.restore();
  });
});
