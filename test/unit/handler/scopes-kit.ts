import { ChainCatalog } from '../../../src/chain/catalog.js';
import { jobNameFor } from '../../../src/chain/job-name.js';
import type { Branch, Chain, ChainDefinition, TaskState } from '../../../src/chain/types.js';
import type { JobSummary } from '../../../src/dataflow/job.js';
import type { IncomingEvent } from '../../../src/events/signal.js';
import type { HandlerDeps } from '../../../src/handler/deps.js';
import { KIT_NONCE, PROJECT, createKit, daily, pubsubEvent, type Kit } from './kit.js';

/** Chains with scopes and timers for the handler tests, beside the kit's "daily". */

/** Where every kit job runs. */
export const EUROPE = { projectId: PROJECT, location: 'europe-west4' };

function task(prefix: string, extra: Partial<TaskState> = {}): TaskState {
  return {
    Type: 'Task',
    Resource: 'dataflow:flexTemplate',
    Region: 'europe-west4',
    Parameters: { jobName: prefix, containerSpecGcsPath: `gs://b/${prefix}.json` },
    ...(extra.Next === undefined ? { End: true } : {}),
    ...extra,
  };
}

const branches: Branch[] = [
  { StartAt: 'A', States: { A: task('fan-a') } },
  { StartAt: 'B', States: { B: task('fan-b') } },
];

/** "fan": a Parallel of two one-Task branches (A, B); a failed branch fails the run. */
export const FAN: ChainDefinition = {
  StartAt: 'Fan',
  States: { Fan: { Type: 'Parallel', Branches: branches, End: true } },
};

/** "fanc": the same Parallel (its own job prefixes), its failure caught: the run waits on Hold. */
export const FAN_CAUGHT: ChainDefinition = {
  StartAt: 'Fan',
  States: {
    Fan: {
      Type: 'Parallel',
      Branches: [
        { StartAt: 'A', States: { A: task('fanc-a') } },
        { StartAt: 'B', States: { B: task('fanc-b') } },
      ],
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Hold' }],
      End: true,
    },
    Hold: { Type: 'Wait', Seconds: 3600, End: true },
  },
};

/** "pause": Pause waits 60 s, then Go launches a job. */
export const PAUSE: ChainDefinition = {
  StartAt: 'Pause',
  States: {
    Pause: { Type: 'Wait', Seconds: 60, Next: 'Go' },
    Go: task('go'),
  },
};

/** "retry": T retries a failed job after 30 s, twice at most. */
export const RETRY: ChainDefinition = {
  StartAt: 'T',
  States: {
    T: task('tr', {
      Retry: [{ ErrorEquals: ['Dataflow.JobFailed'], IntervalSeconds: 30, MaxAttempts: 2 }],
    }),
  },
};

/** "each": a Map over `$.items` running Work per item, 2 at most at once. */
export const EACH: ChainDefinition = {
  StartAt: 'Each',
  States: {
    Each: {
      Type: 'Map',
      ItemsPath: '$.items',
      MaxConcurrency: 2,
      ItemProcessor: { StartAt: 'Work', States: { Work: task('work') } },
      End: true,
    },
  },
};

const CHAINS: Chain[] = [
  daily,
  { name: 'fan', file: 'fan.json', definition: FAN },
  { name: 'fanc', file: 'fanc.json', definition: FAN_CAUGHT },
  { name: 'pause', file: 'pause.json', definition: PAUSE },
  { name: 'retry', file: 'retry.json', definition: RETRY },
  { name: 'each', file: 'each.json', definition: EACH },
];

/** A kit whose catalog holds "daily" and the chains above. */
export function createScopesKit(overrides: Partial<HandlerDeps> = {}): Kit {
  return createKit({ chains: new ChainCatalog(CHAINS), ...overrides });
}

/** The job name of `key` (scope path and state, e.g. `Fan[1]/B`) in run `runId` of `chain`. */
export function jobNameIn(
  chain: string,
  prefix: string,
  key: string,
  attempt = 0,
  runId = 'r1',
): string {
  return jobNameFor(prefix, { chain, runId, state: key, attempt, nonce: KIT_NONCE });
}

/** The `timer` command the timer port delivers. */
export function timerEvent(timer: string, id = 'm-timer', runId = 'r1'): IncomingEvent {
  return pubsubEvent({ dfchain: 'timer', runId, timer }, id);
}

/** A launch call that hangs until the test ends it. */
export interface HeldCall {
  readonly promise: Promise<JobSummary>;
  resolve(job: JobSummary): void;
  reject(error: Error): void;
}

/** A launch call held open, as a slow socket holds it. */
export function heldCall(): HeldCall {
  let resolve: (job: JobSummary) => void = () => undefined;
  let reject: (error: Error) => void = () => undefined;
  const promise = new Promise<JobSummary>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
