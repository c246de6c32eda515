import { strict as assert } from 'node:assert';
import { fileURLToPath } from 'node:url';
import { LocalStack } from '../../src/local/stack.js';
import type { SimulatedJob } from '../../src/local/simulator/index.js';
import { endTime } from './harness.js';

/** The chains of these tests: `pair` (two jobs in a row) and `serial` (MaxConcurrentRuns 2). */
const CHAINS = fileURLToPath(new URL('../fixtures/admission-chains/', import.meta.url));
/** dfchain's budget of active jobs in this stack. */
const BUDGET = 3;

const start = (chain: string, runId: string) => ({ dfchain: 'start', chain, runId, input: {} });

function jobsOf(stack: LocalStack, prefix: string): SimulatedJob[] {
  return stack.simulator
    .jobs()
    .filter((job) => job.labels['dfchain-run']?.startsWith(prefix))
    .sort((a, b) => a.createTime - b.createTime);
}

/** The most intervals [from, to) that overlap at one instant. */
function peakOverlap(intervals: readonly (readonly [number, number])[]): number {
  const edges = intervals.flatMap(([from, to]): [number, number][] => [
    [from, 1],
    [to, -1],
  ]);
  // An end and a start at the same instant do not overlap: ends first.
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let peak = 0;
  for (const [, delta] of edges) peak = Math.max(peak, (now += delta));
  return peak;
}

async function allSucceed(stack: LocalStack, runIds: readonly string[]): Promise<void> {
  const ends = await Promise.all(runIds.map((id) => stack.waitForRunEnd(id, 60_000))).catch(
    (error: unknown) => {
      // What each run said, to see where it stopped.
      for (const id of runIds)
        for (const line of stack.runLines(id))
          console.log(`      ${id}: ${String(line['message'])}`);
      throw error;
    },
  );
  assert.deepEqual(
    ends,
    runIds.map(() => 'run.succeeded'),
  );
}

describe('e2e: admission on the local stack (active-job budget, MaxConcurrentRuns, quota waits)', function () {
  this.timeout(240_000);
  let stack: LocalStack;

  before(async () => {
    stack = await LocalStack.start({
      chainsDir: CHAINS,
      pubsub: true,
      firestore: true,
      // The simulator refuses (429) a fourth active job: it asserts dfchain keeps its budget.
      simulator: {
        defaults: { queuedMs: 100, runMs: 400 },
        activeJobQuota: BUDGET,
        // serial-i runs 300 + 600 i ms: no two serial runs end together, so no two are admitted
        // in one instant (two admitted at once may launch their jobs in either order).
        behaviour: ({ request }) => {
          const labels = (
            request.launchParameter?.['environment'] as {
              additionalUserLabels?: Record<string, string>;
            }
          )?.additionalUserLabels;
          const serial = /^serial-(\d+)$/.exec(labels?.['dfchain-run'] ?? '');
          return serial ? { runMs: 300 + 600 * Number(serial[1]) } : {};
        },
      },
      env: {
        DFCHAIN_CONFIRM_DEADLINE_SECONDS: '60',
        DFCHAIN_MAX_ACTIVE_JOBS: String(BUDGET),
        DFCHAIN_QUOTA_RETRY_SECONDS: '0.5',
      },
    });
  });

  after(async () => {
    await stack?.stop();
  });

  it('8 runs of a two-job chain started at once with a budget of 3: all succeed, each job launched once, never more than 3 active', async () => {
    const runs = Array.from({ length: 8 }, (_, i) => `pair-${i}`);
    await Promise.all(runs.map((id) => stack.publish(start('pair', id))));
    await allSucceed(stack, runs);
    const jobs = jobsOf(stack, 'pair-');
    assert.equal(jobs.length, 16);
    assert.equal(new Set(jobs.map((job) => job.name)).size, 16, 'no job launched twice');
    assert.equal(stack.simulator.quota.refusals, 0, 'the simulator never refused a job');
    assert.ok(
      stack.simulator.quota.peakActive <= BUDGET,
      `peak ${stack.simulator.quota.peakActive}`,
    );
    const peak = peakOverlap(jobs.map((job) => [job.createTime, endTime(job)] as const));
    console.log(`      peak active jobs: ${peak} (budget ${BUDGET})`);
    assert.ok(peak <= BUDGET && peak >= 2, `peak ${peak}`);
    const admitted = runs.flatMap((id) =>
      stack.runLines(id).filter((l) => l['event'] === 'admission.admitted'),
    );
    assert.ok(admitted.length >= 5, `${admitted.length} launches waited in line and were admitted`);
  });

  it('5 runs of a chain with MaxConcurrentRuns 2 start their jobs in start order, never more than 2 at once', async () => {
    const runs = Array.from({ length: 5 }, (_, i) => `serial-${i}`);
    for (const id of runs) {
      await stack.publish(start('serial', id));
      // Start order is the order the function accepts the starts in.
      await stack.waitForLine(
        (l) => l.json?.['runId'] === id && /^run\.(queued|started)$/.test(String(l.json['event'])),
      );
    }
    await allSucceed(stack, runs);
    const jobs = jobsOf(stack, 'serial-');
    assert.deepEqual(
      jobs.map((job) => job.labels['dfchain-run']),
      runs,
      'jobs launched in start order',
    );
    const peak = peakOverlap(jobs.map((job) => [job.createTime, endTime(job)] as const));
    assert.equal(peak, 2);
    const queued = runs.filter((id) => stack.runLines(id).some((l) => l['event'] === 'run.queued'));
    assert.deepEqual(queued, ['serial-2', 'serial-3', 'serial-4']);
  });

  it('launches answered 429 RESOURCE_EXHAUSTED wait and are retried until they succeed, never a Dataflow.LaunchFailed', async () => {
    // Dataflow's own quota is now below dfchain's budget (other jobs share the project).
    stack.simulator.configure({ activeJobQuota: 1 });
    const before = stack.simulator.quota.refusals;
    const runs = ['quota-0', 'quota-1', 'quota-2'];
    await Promise.all(runs.map((id) => stack.publish(start('pair', id))));
    await allSucceed(stack, runs);
    assert.ok(stack.simulator.quota.refusals > before, 'some launches were refused');
    const jobs = jobsOf(stack, 'quota-');
    assert.equal(jobs.length, 6);
    assert.equal(new Set(jobs.map((job) => job.name)).size, 6, 'no job launched twice');
    const waits = runs.flatMap((id) =>
      stack.runLines(id).filter((l) => l['event'] === 'launch.quota_wait'),
    );
    assert.ok(waits.length > 0);
    for (const wait of waits) assert.equal(wait['severity'], 'WARNING');
    const failures = runs.flatMap((id) =>
      stack.runLines(id).filter((l) => JSON.stringify(l).includes('Dataflow.LaunchFailed')),
    );
    assert.deepEqual(failures, []);
  });
});
