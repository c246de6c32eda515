import { strict as assert } from 'node:assert';
import { fileURLToPath } from 'node:url';
import { Firestore } from '@google-cloud/firestore';
import { backfillCommand, INTERRUPTED, type BackfillIo } from '../../src/cli/backfill.js';
import { backfill as backfillProgram } from '../../src/cli/backfill-command.js';
import { processCli, type Cli } from '../../src/cli/commands/cli.js';
import type { BackfillOptions } from '../../src/cli/backfill-plan.js';
import { endpointOf } from '../../src/cli/failure.js';
import { pubsubPublisher } from '../../src/cli/start.js';
import { systemClock } from '../../src/clock.js';
import type { Run } from '../../src/engine/run.js';
import { LocalStack } from '../../src/local/stack.js';
import { scheduledRunId } from '../../src/schedule/run-id.js';
import { lastTickAtOrBefore } from '../../src/schedule/ticks.js';
import { FirestoreRunStore } from '../../src/store/firestore.js';
import { jobsOfRun, until } from './harness.js';

/** The chain `nightly`: one job a day at 04:00 UTC (test/fixtures/schedule-chains). */
const CHAINS = fileURLToPath(new URL('../fixtures/schedule-chains/', import.meta.url));
const DAYS = Array.from(
  { length: 10 },
  (_, i) => `nightly-202601${String(i + 1).padStart(2, '0')}t0400z`,
);

/** Most intervals [start, end] that overlap at one instant. */
function mostAtOnce(intervals: readonly (readonly [number, number])[]): number {
  const edges = intervals.flatMap(([start, end]) => [
    [start, 1],
    [end, -1],
  ]);
  // An end before a start at the same instant: touching runs did not overlap.
  edges.sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
  let now = 0;
  let most = 0;
  for (const [, step] of edges) most = Math.max(most, (now += step!));
  return most;
}

describe('e2e: schedules and backfill on the local stack', function () {
  this.timeout(240_000);
  let stack: LocalStack;
  let store: FirestoreRunStore;
  // The clients read their emulator hosts from the process's environment.
  const saved = {
    PUBSUB_EMULATOR_HOST: process.env['PUBSUB_EMULATOR_HOST'],
    FIRESTORE_EMULATOR_HOST: process.env['FIRESTORE_EMULATOR_HOST'],
  };

  before(async () => {
    stack = await LocalStack.start({
      chainsDir: CHAINS,
      pubsub: true,
      firestore: true,
      countDeliveries: true,
      // Jobs long enough that three runs overlap while the backfill polls.
      simulator: { defaults: { queuedMs: 100, runMs: 1500 } },
      env: { DFCHAIN_CONFIRM_DEADLINE_SECONDS: '60' },
    });
    // The backfill publishes through the real Pub/Sub client, as the command does.
    process.env['PUBSUB_EMULATOR_HOST'] = stack.pubsubHost;
    process.env['FIRESTORE_EMULATOR_HOST'] = stack.firestoreHost;
    store = new FirestoreRunStore(
      new Firestore({
        projectId: stack.projectId,
        host: stack.firestoreHost,
        ssl: false,
        credentials: {},
      }),
    );
  });

  after(async () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await store?.close();
    await stack?.stop();
  });

  function backfill(lines: string[], signal?: AbortSignal): Promise<number> {
    const options: BackfillOptions = {
      chain: 'nightly',
      chainsDir: CHAINS,
      projectId: stack.projectId,
      topic: stack.topic,
      from: '2026-01-01',
      to: '2026-01-10',
      concurrency: '3',
      inputTemplate: '{"day":"{{date}}"}',
    };
    const io: BackfillIo = {
      connect: () => pubsubPublisher(stack.projectId, endpointOf('pubsub')),
      store,
      storeEndpoint: endpointOf('firestore'),
      clock: systemClock,
      out: (line) => lines.push(line),
      err: (line) => lines.push(line),
      pollMs: 250,
      ...(signal ? { signal } : {}),
    };
    return backfillCommand(options, io);
  }

  it('10 days at concurrency 3, interrupted and resumed: each day runs once, never more than 3 at once', async () => {
    const controller = new AbortController();
    const first: string[] = [];
    const interrupted = backfill(first, controller.signal);
    await until('4 runs are stored', async () => {
      const runs = await Promise.all(DAYS.map((id) => store.get(id)));
      return runs.filter(Boolean).length >= 4;
    });
    controller.abort();
    assert.equal(await interrupted, INTERRUPTED, first.join('\n'));
    assert.match(first.at(-1)!, /interrupted with \d+ runs running and \d+ not started/);
    const before = (await Promise.all(DAYS.map((id) => store.get(id)))).filter(Boolean);
    assert.ok(
      before.length >= 4 && before.length < 10,
      `${before.length} runs at the interruption`,
    );

    const second: string[] = [];
    assert.equal(await backfill(second), 0, second.join('\n'));
    assert.match(
      second.at(-1)!,
      /^backfill of nightly: 10 ticks of "0 4 \* \* \*" \(Etc\/UTC\): 10 succeeded, 0 failed, 0 cancelled; \d+ started by this backfill, \d+ before$/,
    );

    const runs = (await Promise.all(DAYS.map((id) => store.get(id)))) as Run[];
    runs.forEach((run, i) => {
      assert.ok(run, `${DAYS[i]} is stored`);
      assert.equal(run.status, 'SUCCEEDED', run.id);
      const day = `2026-01-${String(i + 1).padStart(2, '0')}`;
      assert.equal(run.scheduledTime, `${day}T04:00:00.000Z`);
      assert.deepEqual(run.input, { day });
      assert.equal(jobsOfRun(stack, run.id).length, 1, `${run.id} launched one job`);
    });
    assert.equal(stack.simulator.jobs().length, 10, 'ten jobs in all');
    const spans = runs.map((run) => [Date.parse(run.startTime), Date.parse(run.endTime!)] as const);
    assert.ok(mostAtOnce(spans) <= 3, `at most 3 runs at once, saw ${mostAtOnce(spans)}`);
    assert.equal(mostAtOnce(spans), 3, 'the cap was used');
  });

  it('a duplicate scheduled trigger (same publish minute) starts one run, for the tick before it', async () => {
    const trigger = { dfchain: 'start', chain: 'nightly', scheduled: true };
    const sent = new Date();
    await Promise.all([stack.publish(trigger), stack.publish(trigger)]);
    const schedule = { Cron: '0 4 * * *', TimeZone: 'Etc/UTC' };
    const runId = scheduledRunId('nightly', lastTickAtOrBefore(schedule, sent)!);

    assert.equal(await stack.waitForRunEnd(runId), 'run.succeeded');
    const run = await store.get(runId);
    assert.deepEqual(run?.input, { source: 'scheduler' });
    await stack.waitForLine(
      (line) => line.json?.['event'] === 'message.duplicate' && line.json['runId'] === runId,
    );
    assert.equal(jobsOfRun(stack, runId).length, 1);
    const lines = stack.runLines(runId).map((line) => line['event']);
    assert.equal(lines.filter((event) => event === 'run.started').length, 1);
  });

  it('the backfill command module (as program.ts will register it) runs a range and prints --json', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const cli: Cli = {
      // The process's parts as the program gets them, its lines kept here.
      ...processCli(),
      out: (line) => out.push(line),
      err: (line) => err.push(line),
      env: { ...process.env, ...stack.clientEnv() },
      tty: false,
      code: -1,
    };
    await backfillProgram(cli).parseAsync(
      ['nightly', '--from', '2026-02-01', '--to', '2026-02-02', '--concurrency', '2', '--json'],
      { from: 'user' },
    );
    assert.equal(cli.code, 0, err.join('\n'));
    const summary = JSON.parse(out.at(-1)!) as { succeeded: number; runs: { runId: string }[] };
    assert.equal(summary.succeeded, 2);
    assert.deepEqual(
      summary.runs.map((run) => run.runId),
      ['nightly-20260201t0400z', 'nightly-20260202t0400z'],
    );

    await backfillProgram(cli).parseAsync(
      ['nightly', '--from', '2026-02-03', '--to', '2026-02-01'],
      {
        from: 'user',
      },
    );
    assert.equal(cli.code, 1);
    assert.equal(
      err.at(-1),
      'dfchain backfill: --from 2026-02-03 is after --to 2026-02-01: give the earlier one as --from',
    );
  });
});
