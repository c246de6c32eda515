import { strict as assert } from 'node:assert';
import sinon from 'sinon';
import { backfillCommand, INTERRUPTED, type BackfillIo } from '../../../src/cli/backfill.js';
import type { BackfillOptions } from '../../../src/cli/backfill-plan.js';
import type { Publisher } from '../../../src/cli/start.js';
import { systemClock } from '../../../src/clock.js';
import type { Run, RunStatus } from '../../../src/engine/run.js';
import type { JsonObject } from '../../../src/json.js';

const POLL_MS = 1_000;

/**
 * The function and the store, faked: a published start creates its run RUNNING (after
 * `appearMs`), which ends after `runMs` with the outcome `outcomes` gives it.
 */
class World {
  readonly runs = new Map<string, RunStatus>();
  readonly published: JsonObject[] = [];
  /** Runs created, in order: a start of a run id already started creates nothing (as the function). */
  readonly created: string[] = [];
  mostRunning = 0;
  appearMs = 100;
  runMs = (_runId: string): number => 5_000;
  outcome = (_runId: string): RunStatus => 'SUCCEEDED';
  failPublish: Error | undefined;

  readonly publisher: Publisher = {
    endpoint: { service: 'pubsub' },
    publish: (_topic, command) => {
      if (this.failPublish) return Promise.reject(this.failPublish);
      this.published.push(command);
      const runId = command['runId'] as string;
      setTimeout(() => {
        if (this.runs.has(runId)) return;
        this.created.push(runId);
        this.runs.set(runId, 'RUNNING');
        this.count();
        setTimeout(() => {
          this.runs.set(runId, this.outcome(runId));
        }, this.runMs(runId));
      }, this.appearMs);
      return Promise.resolve(`m-${this.published.length}`);
    },
    close: () => Promise.resolve(),
  };

  private count(): void {
    const running = [...this.runs.values()].filter((s) => s === 'RUNNING').length;
    this.mostRunning = Math.max(this.mostRunning, running);
  }

  get store(): BackfillIo['store'] {
    return {
      get: (runId) => {
        const status = this.runs.get(runId);
        return Promise.resolve(status && ({ id: runId, status } as Run));
      },
    };
  }

  startedIds(): string[] {
    return this.published.map((command) => command['runId'] as string);
  }
}

const OPTIONS: BackfillOptions = {
  chain: 'nightly',
  chainsDir: 'test/fixtures/schedule-chains',
  projectId: 'p',
  topic: 'dfchain-events',
  from: '2026-01-01',
  to: '2026-01-10',
  concurrency: '3',
};

const DAYS = Array.from(
  { length: 10 },
  (_, i) => `nightly-202601${String(i + 1).padStart(2, '0')}t0400z`,
);

describe('dfchain backfill', () => {
  let clock: sinon.SinonFakeTimers;
  let world: World;
  let out: string[];
  let err: string[];

  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: Date.parse('2026-02-01T00:00:00Z') });
    world = new World();
    out = [];
    err = [];
  });

  afterEach(() => clock.restore());

  function io(extra: Partial<BackfillIo> = {}): BackfillIo {
    return {
      connect: () => Promise.resolve(world.publisher),
      store: world.store,
      storeEndpoint: { service: 'firestore' },
      clock: systemClock,
      out: (line) => out.push(line),
      err: (line) => err.push(line),
      pollMs: POLL_MS,
      ...extra,
    };
  }

  async function run(options: Partial<BackfillOptions> = {}, extra: Partial<BackfillIo> = {}) {
    const done = backfillCommand({ ...OPTIONS, ...options }, io(extra));
    await clock.runAllAsync();
    return done;
  }

  it("starts every tick once, never more than N at once, each the scheduler's start", async () => {
    assert.equal(await run(), 0);

    assert.deepEqual(world.startedIds(), DAYS);
    assert.equal(world.mostRunning, 3);
    assert.deepEqual(world.published[0], {
      dfchain: 'start',
      chain: 'nightly',
      runId: 'nightly-20260101t0400z',
      input: { source: 'scheduler' },
      scheduledTime: '2026-01-01T04:00:00.000Z',
    });
    assert.deepEqual(out, [
      'backfill of nightly: 10 ticks of "0 4 * * *" (Etc/UTC): 10 succeeded, 0 failed, 0 cancelled; 10 started by this backfill, 0 before',
    ]);
    assert.equal(
      err[0],
      'backfill of nightly: 10 ticks, 0 ended and 0 running before, at most 3 at once',
    );
    assert.equal(
      err[1],
      'started nightly-20260101t0400z (2026-01-01T04:00:00.000Z) as message m-1',
    );
    assert.ok(err.includes('nightly-20260101t0400z SUCCEEDED'));
  });

  it('starts the next run as soon as a poll sees one end', async () => {
    world.runMs = (id) => (id === DAYS[1] ? 1_500 : 60_000);
    const done = backfillCommand(OPTIONS, io());
    await clock.tickAsync(1_000);
    assert.equal(world.published.length, 3);
    await clock.tickAsync(1_000);
    // Day 2 ended at 1.6 s; the poll at 2 s saw it and started day 4.
    assert.deepEqual(world.startedIds(), DAYS.slice(0, 4));
    await clock.runAllAsync();
    assert.equal(await done, 0);
  });

  it('resumes: starts only the ticks without a run; runs already running count toward N', async () => {
    world.runs.set(DAYS[0]!, 'SUCCEEDED');
    world.runs.set(DAYS[1]!, 'RUNNING');
    world.runs.set(DAYS[2]!, 'RUNNING');
    world.runs.set(DAYS[5]!, 'FAILED');
    setTimeout(() => world.runs.set(DAYS[1]!, 'SUCCEEDED'), 3_500);
    setTimeout(() => world.runs.set(DAYS[2]!, 'SUCCEEDED'), 7_500);
    const done = backfillCommand(OPTIONS, io());
    await clock.tickAsync(100);
    // Two of three slots are taken by the runs already running: one start.
    assert.deepEqual(world.startedIds(), [DAYS[3]]);
    await clock.runAllAsync();

    assert.equal(await done, 1);
    assert.deepEqual(world.startedIds(), [DAYS[3], DAYS[4], DAYS[6], DAYS[7], DAYS[8], DAYS[9]]);
    assert.ok(world.mostRunning <= 3);
    assert.deepEqual(out, [
      'backfill of nightly: 10 ticks of "0 4 * * *" (Etc/UTC): 9 succeeded, 1 failed, 0 cancelled; 6 started by this backfill, 4 before',
      '  failed: nightly-20260106t0400z (dfchain status nightly-20260106t0400z)',
    ]);
  });

  it('stops starting when interrupted, leaves running runs running, exit 130; a rerun finishes the rest', async () => {
    const controller = new AbortController();
    const done = backfillCommand(OPTIONS, io({ signal: controller.signal }));
    await clock.tickAsync(6_000);
    controller.abort();
    assert.equal(await done, INTERRUPTED);
    assert.deepEqual(world.startedIds(), DAYS.slice(0, 6));
    assert.match(
      out.at(-1)!,
      /^ {2}interrupted with 3 runs running and 4 not started: run the same command again to resume/,
    );

    out = [];
    assert.equal(await run(), 0);
    // Days 4-6 were published just before the interruption and not stored yet when the rerun
    // read the store: published again, they start nothing more (a start is idempotent by id).
    assert.deepEqual(world.startedIds(), [...DAYS.slice(0, 6), ...DAYS.slice(3)]);
    assert.deepEqual(world.created, DAYS);
    assert.ok(world.mostRunning <= 3);
  });

  it('prints a JSON summary with --json', async () => {
    world.outcome = (id) => (id === DAYS[2] ? 'CANCELLED' : 'SUCCEEDED');
    assert.equal(await run({ json: true, to: '2026-01-03' }), 1);
    const summary = JSON.parse(out[0]!) as Record<string, unknown>;
    assert.deepEqual(
      { ...summary, runs: (summary['runs'] as unknown[]).length },
      {
        chain: 'nightly',
        cron: '0 4 * * *',
        timeZone: 'Etc/UTC',
        concurrency: 3,
        ticks: 3,
        succeeded: 2,
        failed: [],
        cancelled: [DAYS[2]],
        running: [],
        notStarted: 0,
        interrupted: false,
        runs: 3,
      },
    );
    assert.deepEqual((summary['runs'] as unknown[])[0], {
      runId: DAYS[0],
      scheduledTime: '2026-01-01T04:00:00.000Z',
      status: 'SUCCEEDED',
      startedNow: true,
    });
  });

  it('redraws a progress bar on a terminal instead of printing lines', async () => {
    const drawn: string[] = [];
    assert.equal(await run({ to: '2026-01-02' }, { tty: { write: (t) => drawn.push(t) } }), 0);
    assert.deepEqual(err, []);
    assert.equal(drawn[0], '\r\u001b[K[........................] 0/2 ended · 0 running');
    assert.equal(drawn.at(-2), '\r\u001b[K[########################] 2/2 ended · 0 running');
    assert.equal(drawn.at(-1), '\n');
  });

  it('refuses bad options in one line before connecting, exit 1', async () => {
    const connect = sinon.stub().rejects(new Error('must not connect'));
    assert.equal(await run({ from: '2026-01-10', to: '2026-01-01' }, { connect }), 1);
    assert.deepEqual(err, [
      'dfchain backfill: --from 2026-01-10 is after --to 2026-01-01: give the earlier one as --from',
    ]);
    sinon.assert.notCalled(connect);
  });

  it('stops in one line when Pub/Sub fails, exit 1', async () => {
    world.failPublish = Object.assign(new Error('5 NOT_FOUND: Topic not found'), { code: 5 });
    assert.equal(await run(), 1);
    assert.equal(err.length, 2);
    assert.match(err[1]!, /^dfchain backfill: /);
    assert.deepEqual(out, []);
  });

  it('stops in one line when a published start never becomes a run, exit 1', async () => {
    world.appearMs = 10 * 60_000;
    assert.equal(await run({ to: '2026-01-01' }, { appearMs: 30_000 }), 1);
    assert.equal(
      err.at(-1),
      'dfchain backfill: run nightly-20260101t0400z is not in the store 30 s after its start was published: the function refused it (see its message.rejected log lines) or does not read topic dfchain-events; fix that, then run the same backfill again',
    );
  });
});
