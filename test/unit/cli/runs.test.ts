import { strict as assert } from 'node:assert';
import sinon from 'sinon';
import type { Endpoint } from '../../../src/cli/failure.js';
import { duration } from '../../../src/cli/duration.js';
import { runsCommand, runsQuery, type RunsArgs, type RunsQuery } from '../../../src/cli/runs.js';
import { memoryStoreRefusal } from '../../../src/cli/status-store.js';
import type { Run } from '../../../src/engine/run.js';
import { StoreTransientError } from '../../../src/errors.js';
import { MemoryRunStore } from '../../../src/store/memory.js';
import type { RunStore } from '../../../src/store/port.js';
import { eachItem, emptyRun } from '../../fixtures/runs.js';

const NOW = new Date('2026-11-22T12:00:00.000Z');
const EMULATOR: Endpoint = { service: 'firestore', emulator: '127.0.0.1:9' };

function run(id: string, chain: string, startTime: string, more: Partial<Run> = {}): Run {
  return { ...emptyRun(id), chain, startTime, ...more };
}

const ok = run('r-ok', 'daily', '2026-11-22T10:00:00.000Z', {
  status: 'SUCCEEDED',
  endTime: '2026-11-22T10:03:05.000Z',
});
const bad = run('r-bad', 'daily', '2026-11-22T10:30:00.000Z', {
  status: 'FAILED',
  endTime: '2026-11-22T11:32:00.000Z',
  error: { Error: 'Dataflow.JobFailed', Cause: 'job j-1 ended JOB_STATE_FAILED' },
});
const running = run('r-run', 'weekly', '2026-11-22T11:59:18.000Z');
/** Two runs waiting for a slot of chain serial's MaxConcurrentRuns: q1 joined the line first. */
const q1 = run('q1', 'serial', '2026-11-22T11:00:00.000Z', {
  queued: { pool: 'runs.serial', at: '2026-11-22T11:00:00.000Z' },
});
const q2 = run('q2', 'serial', '2026-11-22T11:10:00.000Z', {
  queued: { pool: 'runs.serial', at: '2026-11-22T11:10:00.000Z' },
});
const old = run('r-old', 'daily', '2026-11-21T10:00:00.000Z', { status: 'SUCCEEDED' });
/** A Map item of r-bad: a document of the run, never a listed run. */
const item: Run = {
  ...run('r-bad.each-0', 'daily', '2026-11-22T10:31:00.000Z', { status: 'FAILED' }),
  part: eachItem('r-bad', 0),
};

async function stocked(): Promise<MemoryRunStore> {
  const store = new MemoryRunStore();
  for (const r of [old, ok, q1, q2, running]) await store.create(r);
  await store.create(bad, [item]);
  return store;
}

interface Printed {
  readonly code: number;
  readonly out: string[];
  readonly err: string[];
}

function query(args: RunsArgs = {}): RunsQuery {
  const q = runsQuery(args, NOW);
  if (typeof q === 'string') throw new Error(q);
  return q;
}

async function runs(store: RunStore, args: RunsArgs = {}, json = false): Promise<Printed> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runsCommand(
    store,
    query(args),
    { json, endpoint: EMULATOR, projectId: 'p', now: () => NOW },
    (l) => out.push(l),
    (l) => err.push(l),
  );
  return { code, out, err };
}

const HEADER = 'RUN ID  CHAIN   STATUS     STARTED                   DURATION  ERROR';

describe('dfchain runs', () => {
  afterEach(() => sinon.restore());

  it('lists the last 24 h, newest first: queued runs with their place in line, parts not at all', async () => {
    assert.deepEqual(await runs(await stocked()), {
      code: 0,
      out: [
        HEADER,
        'r-run   weekly  RUNNING    2026-11-22T11:59:18.000Z  42s',
        'q2      serial  QUEUED 2   2026-11-22T11:10:00.000Z  50m 00s',
        'q1      serial  QUEUED 1   2026-11-22T11:00:00.000Z  1h 00m',
        'r-bad   daily   FAILED     2026-11-22T10:30:00.000Z  1h 02m    Dataflow.JobFailed',
        'r-ok    daily   SUCCEEDED  2026-11-22T10:00:00.000Z  3m 05s',
      ],
      err: [],
    });
  });

  it('--json: an array of {id, chain, status, startTime, endTime?, error?, queued?}', async () => {
    const printed = await runs(await stocked(), {}, true);
    assert.equal(printed.code, 0);
    assert.equal(printed.out.length, 1);
    assert.deepEqual(JSON.parse(printed.out[0]!), [
      { id: 'r-run', chain: 'weekly', status: 'RUNNING', startTime: running.startTime },
      {
        id: 'q2',
        chain: 'serial',
        status: 'RUNNING',
        startTime: q2.startTime,
        queued: { pool: 'runs.serial', since: '2026-11-22T11:10:00.000Z', position: 2 },
      },
      {
        id: 'q1',
        chain: 'serial',
        status: 'RUNNING',
        startTime: q1.startTime,
        queued: { pool: 'runs.serial', since: '2026-11-22T11:00:00.000Z', position: 1 },
      },
      {
        id: 'r-bad',
        chain: 'daily',
        status: 'FAILED',
        startTime: bad.startTime,
        endTime: bad.endTime,
        error: bad.error,
      },
      {
        id: 'r-ok',
        chain: 'daily',
        status: 'SUCCEEDED',
        startTime: ok.startTime,
        endTime: ok.endTime,
      },
    ]);
  });

  it('filters by chain, by status as the STATUS column shows it, and by --since', async () => {
    const store = await stocked();
    const ids = async (args: RunsArgs) =>
      (JSON.parse((await runs(store, args, true)).out[0]!) as { id: string }[]).map((r) => r.id);
    assert.deepEqual(await ids({ chain: 'daily' }), ['r-bad', 'r-ok']);
    assert.deepEqual(await ids({ status: 'QUEUED' }), ['q2', 'q1']);
    assert.deepEqual(await ids({ status: 'running' }), ['r-run'], 'a queued run has not begun');
    assert.deepEqual(await ids({ chain: 'daily', status: 'FAILED' }), ['r-bad']);
    assert.deepEqual(await ids({ since: '1h' }), ['r-run', 'q2', 'q1']);
    assert.deepEqual(await ids({ since: '2026-11-21' }), [
      'r-run',
      'q2',
      'q1',
      'r-bad',
      'r-ok',
      'r-old',
    ]);
    assert.deepEqual(await ids({ chain: 'nope' }), []);
  });

  it('--limit: the newest N, and a line saying more may be there', async () => {
    // Columns as wide as what is shown: no SUCCEEDED row here.
    assert.deepEqual((await runs(await stocked(), { limit: '2' })).out, [
      'RUN ID  CHAIN   STATUS    STARTED                   DURATION  ERROR',
      'r-run   weekly  RUNNING   2026-11-22T11:59:18.000Z  42s',
      'q2      serial  QUEUED 2  2026-11-22T11:10:00.000Z  50m 00s',
      '(the newest 2 shown: --limit or --since for more)',
    ]);
  });

  it('no runs: one line saying since when (human), [] (--json)', async () => {
    const store = new MemoryRunStore();
    assert.deepEqual(await runs(store), {
      code: 0,
      out: ['no runs started since 2026-11-21T12:00:00.000Z'],
      err: [],
    });
    assert.deepEqual((await runs(store, {}, true)).out, ['[]']);
  });

  it('refuses a bad --status, --since or --limit with one line', () => {
    const refusal = (args: RunsArgs) => runsQuery(args, NOW);
    assert.equal(
      refusal({ status: 'DONE' }),
      'dfchain runs: --status must be one of RUNNING, SUCCEEDED, FAILED, CANCELLED, QUEUED, got "DONE"',
    );
    for (const since of ['yesterday', '5x', '1', '2h ago', '2026-13-45']) {
      assert.equal(
        refusal({ since }),
        `dfchain runs: --since must be an ISO time (2026-11-22T10:00:00Z) or a duration back from now (30m, 2h, 3d), got "${since}"`,
      );
    }
    for (const limit of ['0', 'ten', '1001', '-3', '2.5']) {
      assert.equal(
        refusal({ limit }),
        `dfchain runs: --limit must be a whole number from 1 to 1000, got "${limit}"`,
      );
    }
  });

  it('reads --since as an ISO time or a duration back from now; defaults 24 h and 50', () => {
    assert.deepEqual(query(), { since: '2026-11-21T12:00:00.000Z', limit: 50 });
    assert.equal(query({ since: '3d' }).since, '2026-11-19T12:00:00.000Z');
    assert.equal(query({ since: '90s' }).since, '2026-11-22T11:58:30.000Z');
    assert.equal(query({ since: '2026-11-22T09:00:00+01:00' }).since, '2026-11-22T08:00:00.000Z');
    assert.deepEqual(query({ chain: 'daily', status: 'failed', limit: '7' }), {
      chain: 'daily',
      status: 'FAILED',
      since: '2026-11-21T12:00:00.000Z',
      limit: 7,
    });
  });

  it('durations: seconds, minutes, hours, days', () => {
    assert.deepEqual(
      [0, 42_000, 185_000, 3_720_000, 2 * 86_400_000 + 3 * 3600_000, -5].map(duration),
      ['0s', '42s', '3m 05s', '1h 02m', '2d 03h', '0s'],
    );
  });

  it('an unreachable store: one line naming it, nothing on stdout, exit 1', async () => {
    const store = new MemoryRunStore();
    const cause = Object.assign(new Error('14 UNAVAILABLE: No connection established'), {
      code: 14,
    });
    sinon
      .stub(store, 'listRuns')
      .rejects(new StoreTransientError('Firestore list runs failed', { cause }));
    assert.deepEqual(await runs(store), {
      code: 1,
      out: [],
      err: [
        'dfchain runs: cannot reach the Firestore emulator at 127.0.0.1:9 (FIRESTORE_EMULATOR_HOST): no connection; start the emulator, or correct or unset FIRESTORE_EMULATOR_HOST',
      ],
    });
  });

  it('a store that never answers: gives up after 5 s with one line', async () => {
    const clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const store = new MemoryRunStore();
    sinon.stub(store, 'listRuns').returns(new Promise<Run[]>(() => undefined));
    const printed = runs(store);
    await clock.tickAsync(5_000);
    assert.deepEqual(await printed, {
      code: 1,
      out: [],
      err: [
        'dfchain runs: cannot reach the Firestore emulator at 127.0.0.1:9 (FIRESTORE_EMULATOR_HOST): no answer within 5 s; start the emulator, or correct or unset FIRESTORE_EMULATOR_HOST',
      ],
    });
  });

  it('with DFCHAIN_STORE=memory: the same refusal as status, in its own name', () => {
    assert.equal(
      memoryStoreRefusal({ DFCHAIN_STORE: 'memory' }, 'runs'),
      "dfchain runs: DFCHAIN_STORE=memory keeps runs inside the function's own process, where this command cannot read them: run the local stack with the Firestore emulator (npm start -- --keep) and set FIRESTORE_EMULATOR_HOST to the host it prints, or unset DFCHAIN_STORE to read Firestore",
    );
  });
});
