import { strict as assert } from 'node:assert';
import type { Chain } from '../../../src/chain/types.js';
import { PoisonMessageError } from '../../../src/errors.js';
import { startTarget } from '../../../src/schedule/start-target.js';

const definition = { StartAt: 'S', States: { S: { Type: 'Succeed' as const } } };
const nightly: Chain = {
  name: 'nightly',
  file: 'nightly.json',
  definition: { ...definition, Schedule: { Cron: '0 5 * * *' } },
};
const plain: Chain = { name: 'plain', file: 'plain.json', definition };

describe('startTarget: the run a start command asks for', () => {
  it('a scheduled trigger: the tick at or before the publish time, default input {}', () => {
    assert.deepEqual(
      startTarget(nightly, {
        kind: 'start',
        chain: 'nightly',
        input: {},
        trigger: { publishTime: '2026-01-05T05:00:00.000Z' },
      }),
      {
        runId: 'nightly-20260105t0500z',
        input: {},
        scheduledTime: '2026-01-05T05:00:00.000Z',
      },
    );
  });

  it('an explicit scheduledTime without a run id: the id the scheduler would give', () => {
    const signal = {
      kind: 'start',
      chain: 'plain',
      input: { a: 1 },
      scheduledTime: '2026-01-05T00:00:00.000Z',
    } as const;
    assert.deepEqual(startTarget(plain, signal), {
      runId: 'plain-20260105t0000z',
      input: { a: 1 },
      scheduledTime: '2026-01-05T00:00:00.000Z',
    });
    assert.equal(startTarget(plain, { ...signal, runId: 'mine' }).runId, 'mine');
  });

  it('a plain start: only what it gives', () => {
    assert.deepEqual(startTarget(plain, { kind: 'start', chain: 'plain', input: {} }), {
      input: {},
    });
  });

  it('refuses a scheduled trigger of a chain without Schedule as poison', () => {
    const signal = {
      kind: 'start',
      chain: 'plain',
      input: {},
      trigger: { publishTime: '2026-01-05T05:00:00.000Z' },
    } as const;
    assert.throws(() => startTarget(plain, signal), PoisonMessageError);
  });
});
