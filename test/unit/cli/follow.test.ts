import { strict as assert } from 'node:assert';
import {
  clock,
  followExitCode,
  liveLine,
  newEvents,
  NOTHING_SEEN,
} from '../../../src/cli/follow.js';
import type { RunView, StepView } from '../../../src/cli/status-view.js';

const T0 = '2026-11-22T10:00:00.000Z';

function view(overrides: Partial<RunView> = {}): RunView {
  return {
    id: 'r1',
    chain: 'daily',
    status: 'RUNNING',
    input: {},
    startTime: T0,
    steps: [],
    scopes: [],
    timers: [],
    ...overrides,
  };
}

const ingest: StepView = {
  state: 'Ingest',
  attempt: 1,
  status: 'LAUNCHED',
  jobName: 'ingest-0123456789ab',
  jobId: '2026-11-22_02_00_05-1',
  location: 'europe-west4',
  intendedAt: '2026-11-22T10:00:01.000Z',
  launchedAt: '2026-11-22T10:00:05.000Z',
};

describe('follow: what is new in a run', () => {
  it('the first read: the state entered and the job launched, oldest first', () => {
    const { events } = newEvents(
      NOTHING_SEEN,
      view({
        steps: [ingest],
        scopes: [
          {
            scope: '',
            state: 'Ingest',
            wait: 'job',
            attempt: 1,
            enteredTime: '2026-11-22T10:00:01.000Z',
            jobName: ingest.jobName,
          },
        ],
      }),
    );
    assert.deepEqual(
      events.map((e) => `${clock(e.at)} ${e.text}`),
      [
        '10:00:01 entered Ingest',
        '10:00:05 job ingest-0123456789ab (Ingest) launched as 2026-11-22_02_00_05-1 in europe-west4',
      ],
    );
  });

  it('a later read: only what changed; a job ends with its duration; the run ends last', () => {
    const first = newEvents(NOTHING_SEEN, view({ steps: [ingest] }));
    const endedIngest: StepView = {
      ...ingest,
      status: 'FAILED',
      endedAt: '2026-11-22T10:03:10.000Z',
      jobState: 'JOB_STATE_FAILED',
      error: { Error: 'Dataflow.JobFailed', Cause: 'boom' },
    };
    const again = newEvents(first.seen, view({ steps: [ingest] }));
    assert.deepEqual(again.events, []);
    const last = newEvents(
      first.seen,
      view({
        status: 'FAILED',
        endTime: '2026-11-22T10:03:11.000Z',
        error: { Error: 'Dataflow.JobFailed', Cause: 'boom' },
        steps: [endedIngest],
        scopes: [
          {
            scope: 'Fan[1]',
            state: 'Load',
            wait: 'retry',
            attempt: 2,
            enteredTime: '2026-11-22T10:02:00.000Z',
          },
        ],
      }),
    );
    assert.deepEqual(
      last.events.map((e) => [e.kind, e.status, e.text]),
      [
        ['entered', undefined, 'entered Fan[1]/Load (attempt 2)'],
        [
          'ended',
          'FAILED',
          'job ingest-0123456789ab (Ingest) FAILED after 3m 05s [JOB_STATE_FAILED]: Dataflow.JobFailed: boom',
        ],
        ['run', 'FAILED', 'run r1 FAILED after 3m 11s: Dataflow.JobFailed: boom'],
      ],
    );
    assert.deepEqual(
      newEvents(last.seen, view({ status: 'FAILED', steps: [endedIngest] })).events,
      [],
    );
  });

  it('a run waiting for a slot of its chain says so once', () => {
    const queued = view({ queued: { pool: 'runs.daily', since: T0, position: 2 } });
    const first = newEvents(NOTHING_SEEN, queued);
    assert.deepEqual(
      first.events.map((e) => e.text),
      ['run waits for a slot of its chain (MaxConcurrentRuns, place 2 in line)'],
    );
    assert.deepEqual(newEvents(first.seen, queued).events, []);
  });

  it('the live line: elapsed time and what each scope waits for', () => {
    const now = new Date('2026-11-22T10:01:30.000Z');
    assert.equal(
      liveLine(
        view({
          scopes: [
            {
              scope: '',
              state: 'Fan',
              wait: 'children',
              attempt: 1,
              enteredTime: T0,
              children: { total: 2, started: 2, running: 1, failed: 0 },
            },
            {
              scope: 'Fan[0]',
              state: 'Load',
              wait: 'job',
              attempt: 1,
              enteredTime: '2026-11-22T10:01:00.000Z',
            },
          ],
        }),
        now,
      ),
      'r1 running 1m 30s · Fan 1 of 2 running · Fan[0]/Load job 30s',
    );
    const items = Array.from({ length: 5 }, (_, i) => ({
      scope: `Each[${i}]`,
      state: 'Load',
      wait: 'job' as const,
      attempt: 1,
      enteredTime: T0,
    }));
    assert.equal(
      liveLine(view({ scopes: items }), now),
      'r1 running 1m 30s · Each[0]/Load job 1m 30s · Each[1]/Load job 1m 30s · Each[2]/Load job 1m 30s · +2 more',
    );
    assert.equal(
      liveLine(view({ queued: { pool: 'runs.daily', since: T0 } }), now),
      'r1 queued for 1m 30s',
    );
  });

  it('exit codes: 0 SUCCEEDED, 2 FAILED, 3 CANCELLED, none while RUNNING', () => {
    assert.deepEqual(
      (['SUCCEEDED', 'FAILED', 'CANCELLED', 'RUNNING'] as const).map(followExitCode),
      [0, 2, 3, undefined],
    );
  });
});
