import { strict as assert } from 'node:assert';
import sinon from 'sinon';
import type { ChainDefinition } from '../../../src/chain/types.js';
import { renderRun, runView, statusCommand } from '../../../src/cli/status.js';
import type { EndedJob, TerminalJobState } from '../../../src/dataflow/job.js';
import { onJobEnded } from '../../../src/engine/job-ended.js';
import { stepLabels } from '../../../src/engine/labels.js';
import { onMapJoined, startPart } from '../../../src/engine/part.js';
import { onLaunched } from '../../../src/engine/launched.js';
import type { Frame, Run, Step } from '../../../src/engine/run.js';
import { startRun } from '../../../src/engine/start.js';
import { timerName } from '../../../src/engine/names.js';
import { onTimer } from '../../../src/engine/timer.js';
import type { Transition } from '../../../src/engine/transition.js';
import { MemoryRunStore } from '../../../src/store/memory.js';
import { emptyRun } from '../../fixtures/runs.js';

const T0 = '2026-11-22T10:00:00.000Z';
const T1 = '2026-11-22T10:01:00.000Z';
const T2 = '2026-11-22T10:05:00.000Z';
const T3 = '2026-11-22T10:06:00.000Z';
const T4 = '2026-11-22T10:08:00.000Z';
/** T2 plus the Wait's 600 s, and plus the Task's 3600 s timeout. */
const PAUSE_DUE = '2026-11-22T10:15:00.000Z';
const LOAD_DUE = '2026-11-22T11:05:00.000Z';

/** A Task, then a Parallel of a Task with a timeout and a Wait. */
const fanOut: ChainDefinition = {
  StartAt: 'Ingest',
  Defaults: { Region: 'europe-west4' },
  States: {
    Ingest: {
      Type: 'Task',
      Resource: 'dataflow:flexTemplate',
      Parameters: { jobName: 'ingest', containerSpecGcsPath: 'gs://b/ingest.json' },
      Next: 'Fan',
    },
    Fan: {
      Type: 'Parallel',
      Branches: [
        {
          StartAt: 'Load',
          States: {
            Load: {
              Type: 'Task',
              Resource: 'dataflow:flexTemplate',
              TimeoutSeconds: 3600,
              Parameters: { jobName: 'load', containerSpecGcsPath: 'gs://b/load.json' },
              End: true,
            },
          },
        },
        { StartAt: 'Pause', States: { Pause: { Type: 'Wait', Seconds: 600, End: true } } },
      ],
      End: true,
    },
  },
};

function stepOf(run: Run, state: string): Step {
  const step = Object.values(run.steps).find((s) => s.state === state);
  assert.ok(step, `a step in flight for ${state}`);
  return step;
}

function ended(run: Run, step: Step, state: TerminalJobState, id: string): EndedJob {
  return {
    id,
    name: step.jobName,
    projectId: step.projectId,
    location: step.location,
    currentState: state,
    labels: stepLabels(run, step.state),
  };
}

/**
 * Writes a transition's document and archives its ended steps, and creates the parts (the
 * Parallel's branches) it starts, as the handler does.
 */
async function commit(store: MemoryRunStore, t: Transition, now = T2): Promise<Run> {
  await store.update(t.run.id, () => ({ run: t.run, archive: t.archived, result: undefined }));
  for (const effect of t.effects) {
    if (effect.kind === 'spawn') await store.create(startPart(fanOut, t.run, effect, now).run);
  }
  return t.run;
}

/** The branch part holding a step of `state`. */
async function branchOf(store: MemoryRunStore, state: string): Promise<Run> {
  const parts = await store.parts('r1');
  const part = parts.find((doc) => Object.values(doc.steps).some((s) => s.state === state));
  assert.ok(part, `a branch with a step in flight for ${state}`);
  return part;
}

/** The engine's run of `fanOut` stopped after `until`: Ingest done, Load launched, Pause waiting. */
async function fanOutRun(
  store: MemoryRunStore,
  until: 'running' | 'succeeded' = 'running',
): Promise<Run> {
  const started = startRun({
    runId: 'r1',
    chain: 'daily',
    definition: fanOut,
    definitionHash: 'h',
    projectId: 'p',
    input: { date: '2026-11-21' },
    now: T0,
    nonce: 'n0nce',
  });
  await store.create(started.run);
  let run = started.run;
  const ingest = stepOf(run, 'Ingest');
  run = await commit(store, onLaunched(run, ingest.jobName, 'j-ingest', T1, false));
  run = await commit(
    store,
    onJobEnded(fanOut, run, ended(run, ingest, 'JOB_STATE_DONE', 'j-ingest'), T2),
  );
  let branch = await branchOf(store, 'Load');
  branch = await commit(
    store,
    onLaunched(branch, stepOf(branch, 'Load').jobName, 'j-load', T3, false),
  );
  if (until === 'running') return run;
  const load = stepOf(branch, 'Load');
  await commit(
    store,
    onJobEnded(fanOut, branch, ended(branch, load, 'JOB_STATE_DONE', 'j-load'), T4),
  );
  const pause = (await store.parts('r1')).find((doc) => doc.status === 'RUNNING')!;
  const wait = Object.keys(pause.timers ?? {}).find((name) => name.startsWith('wait-'))!;
  const waited = await commit(store, onTimer(fanOut, pause, wait, PAUSE_DUE));
  const parts = await store.parts('r1');
  return commit(store, onMapJoined(fanOut, run, waited.part!, parts, PAUSE_DUE));
}

/** What one call of the command printed and returned. */
interface Printed {
  readonly code: number;
  readonly out: string[];
  readonly err: string[];
}

async function status(store: MemoryRunStore, runId: string, json: boolean): Promise<Printed> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await statusCommand(
    store,
    runId,
    { json },
    (l) => out.push(l),
    (l) => err.push(l),
  );
  return { code, out, err };
}

/** Names the engine chose (deterministic, but not this test's business to spell). */
interface Names {
  readonly ingest: string;
  readonly load: string;
  readonly wait: string;
  readonly timeout: string;
}

async function namesOf(store: MemoryRunStore): Promise<Names> {
  const docs = [(await store.get('r1'))!, ...(await store.parts('r1'))];
  const history = await store.history('r1');
  const steps = [
    ...history,
    ...docs.flatMap((doc) => [...(doc.ended ?? []), ...Object.values(doc.steps)]),
  ];
  const job = (state: string) => steps.find((s) => s.state === state)!.jobName;
  const timers = docs.flatMap((doc) => Object.keys(doc.timers ?? {}));
  const timer = (kind: string) => timers.find((name) => name.startsWith(`${kind}-`)) ?? '';
  return {
    ingest: job('Ingest'),
    load: job('Load'),
    wait: timer('wait'),
    timeout: timer('timeout'),
  };
}

const INGEST_RESULT = {
  jobId: 'j-ingest',
  jobName: '',
  currentState: 'JOB_STATE_DONE',
  location: 'europe-west4',
  projectId: 'p',
};

describe('dfchain status', () => {
  const cases: {
    readonly name: string;
    readonly build: (store: MemoryRunStore) => Promise<unknown>;
    readonly json: boolean;
    readonly expected: (n: Names) => Printed;
  }[] = [
    {
      name: '--json, running: one object with ended then in-flight steps, scopes and timers',
      build: (store) => fanOutRun(store),
      json: true,
      expected: (n) => ({
        code: 0,
        out: [
          JSON.stringify({
            id: 'r1',
            chain: 'daily',
            status: 'RUNNING',
            input: { date: '2026-11-21' },
            startTime: T0,
            steps: [
              {
                state: 'Ingest',
                attempt: 0,
                status: 'SUCCEEDED',
                jobName: n.ingest,
                jobId: 'j-ingest',
                location: 'europe-west4',
                intendedAt: T0,
                launchedAt: T1,
                endedAt: T2,
                jobState: 'JOB_STATE_DONE',
                consoleUrl:
                  'https://console.cloud.google.com/dataflow/jobs/europe-west4/j-ingest?project=p',
                durationSeconds: 240,
              },
              {
                state: 'Load',
                scope: 'Fan[0]',
                attempt: 0,
                status: 'LAUNCHED',
                jobName: n.load,
                jobId: 'j-load',
                location: 'europe-west4',
                intendedAt: T2,
                launchedAt: T3,
                consoleUrl:
                  'https://console.cloud.google.com/dataflow/jobs/europe-west4/j-load?project=p',
              },
            ],
            scopes: [
              {
                scope: '',
                state: 'Fan',
                wait: 'children',
                attempt: 0,
                enteredTime: T2,
                children: { total: 2, started: 2, running: 2, failed: 0 },
              },
              {
                scope: 'Fan[0]',
                state: 'Load',
                wait: 'job',
                attempt: 0,
                enteredTime: T2,
                jobName: n.load,
              },
              { scope: 'Fan[1]', state: 'Pause', wait: 'timer', attempt: 0, enteredTime: T2 },
            ],
            timers: [
              {
                name: n.wait,
                kind: 'wait',
                scope: 'Fan[1]',
                state: 'Pause',
                attempt: 0,
                dueAt: PAUSE_DUE,
              },
              {
                name: n.timeout,
                kind: 'timeout',
                scope: 'Fan[0]',
                state: 'Load',
                attempt: 0,
                dueAt: LOAD_DUE,
              },
            ],
          }),
        ],
        err: [],
      }),
    },
    {
      name: 'human, running: a SCOPE column, then the waiting scopes and the timers',
      build: (store) => fanOutRun(store),
      json: false,
      expected: (n) => ({
        code: 0,
        out: [
          `run r1  chain daily  RUNNING  started ${T0}`,
          `SCOPE   STATE   STATUS     JOB NAME             JOB ID    LOCATION      DURATION`,
          `-       Ingest  SUCCEEDED  ${n.ingest}  j-ingest  europe-west4  4m 00s`,
          `Fan[0]  Load    LAUNCHED   ${n.load}    j-load    europe-west4  -`,
          '',
          // The running job is one to open in the console.
          `console  Fan[0]/Load  https://console.cloud.google.com/dataflow/jobs/europe-west4/j-load?project=p`,
          '',
          `SCOPE   STATE  WAITING FOR                ATTEMPT  SINCE`,
          `-       Fan    children (2 of 2 running)  0        ${T2}`,
          `Fan[0]  Load   job ${n.load}      0        ${T2}`,
          `Fan[1]  Pause  timer (Wait)               0        ${T2}`,
          '',
          `TIMER${' '.repeat(45)}KIND     SCOPE   STATE  ATTEMPT  DUE`,
          `${n.wait}     wait     Fan[1]  Pause  0        ${PAUSE_DUE}`,
          `${n.timeout}  timeout  Fan[0]  Load   0        ${LOAD_DUE}`,
        ],
        err: [],
      }),
    },
    {
      name: '--json, succeeded: the output, every step from the history, no scopes or timers',
      build: (store) => fanOutRun(store, 'succeeded'),
      json: true,
      expected: (n) => ({
        code: 0,
        out: [
          JSON.stringify({
            id: 'r1',
            chain: 'daily',
            status: 'SUCCEEDED',
            input: { date: '2026-11-21' },
            output: [
              { ...INGEST_RESULT, jobId: 'j-load', jobName: n.load },
              { ...INGEST_RESULT, jobName: n.ingest },
            ],
            startTime: T0,
            endTime: PAUSE_DUE,
            steps: [
              {
                state: 'Ingest',
                attempt: 0,
                status: 'SUCCEEDED',
                jobName: n.ingest,
                jobId: 'j-ingest',
                location: 'europe-west4',
                intendedAt: T0,
                launchedAt: T1,
                endedAt: T2,
                jobState: 'JOB_STATE_DONE',
                consoleUrl:
                  'https://console.cloud.google.com/dataflow/jobs/europe-west4/j-ingest?project=p',
                durationSeconds: 240,
              },
              {
                state: 'Load',
                scope: 'Fan[0]',
                attempt: 0,
                status: 'SUCCEEDED',
                jobName: n.load,
                jobId: 'j-load',
                location: 'europe-west4',
                intendedAt: T2,
                launchedAt: T3,
                endedAt: T4,
                jobState: 'JOB_STATE_DONE',
                consoleUrl:
                  'https://console.cloud.google.com/dataflow/jobs/europe-west4/j-load?project=p',
                durationSeconds: 120,
              },
            ],
          }),
        ],
        err: [],
      }),
    },
    {
      name: 'human, succeeded: the output on one line',
      build: (store) => fanOutRun(store, 'succeeded'),
      json: false,
      expected: (n) => ({
        code: 0,
        out: [
          `run r1  chain daily  SUCCEEDED  started ${T0}  ended ${PAUSE_DUE}`,
          `output ${JSON.stringify([
            { ...INGEST_RESULT, jobId: 'j-load', jobName: n.load },
            { ...INGEST_RESULT, jobName: n.ingest },
          ]).slice(0, 200)}… (--json shows all)`,
          `SCOPE   STATE   STATUS     JOB NAME             JOB ID    LOCATION      DURATION`,
          `-       Ingest  SUCCEEDED  ${n.ingest}  j-ingest  europe-west4  4m 00s`,
          `Fan[0]  Load    SUCCEEDED  ${n.load}    j-load    europe-west4  2m 00s`,
        ],
        err: [],
      }),
    },
    {
      name: 'failed: the error, exit 2',
      build: (store) =>
        store.create({
          ...emptyRun(),
          status: 'FAILED',
          endTime: T1,
          error: { Error: 'Dataflow.JobFailed', Cause: 'ended JOB_STATE_FAILED' },
        }),
      json: false,
      expected: () => ({
        code: 2,
        out: [
          `run r1  chain daily  FAILED  started ${T0}  ended ${T1}`,
          'error Dataflow.JobFailed: ended JOB_STATE_FAILED',
          'SCOPE  STATE  STATUS  JOB NAME  JOB ID  LOCATION  DURATION',
        ],
        err: [],
      }),
    },
    {
      name: '--json, failed: exit 2 too',
      build: (store) =>
        store.create({
          ...emptyRun(),
          status: 'FAILED',
          endTime: T1,
          error: { Error: 'Dataflow.JobFailed', Cause: 'ended JOB_STATE_FAILED' },
        }),
      json: true,
      expected: () => ({
        code: 2,
        out: [
          JSON.stringify({
            id: 'r1',
            chain: 'daily',
            status: 'FAILED',
            input: { date: '2026-11-21' },
            error: { Error: 'Dataflow.JobFailed', Cause: 'ended JOB_STATE_FAILED' },
            startTime: T0,
            endTime: T1,
            steps: [],
          }),
        ],
        err: [],
      }),
    },
    {
      name: '--json, cancelled: exit 0 (the status tells)',
      build: (store) =>
        store.create({
          ...emptyRun(),
          status: 'CANCELLED',
          endTime: T1,
          error: { Error: 'Run.Cancelled', Cause: 'by an operator' },
        }),
      json: true,
      expected: () => ({
        code: 0,
        out: [
          JSON.stringify({
            id: 'r1',
            chain: 'daily',
            status: 'CANCELLED',
            input: { date: '2026-11-21' },
            error: { Error: 'Run.Cancelled', Cause: 'by an operator' },
            startTime: T0,
            endTime: T1,
            steps: [],
          }),
        ],
        err: [],
      }),
    },
    {
      name: 'a run stored before scopes: running, with empty scopes and timers',
      build: (store) => store.create(emptyRun()),
      json: true,
      expected: () => ({
        code: 0,
        out: [
          JSON.stringify({
            id: 'r1',
            chain: 'daily',
            status: 'RUNNING',
            input: { date: '2026-11-21' },
            startTime: T0,
            steps: [],
            scopes: [],
            timers: [],
          }),
        ],
        err: [],
      }),
    },
    {
      name: 'an unknown run: advice on stderr, stdout empty, exit 1',
      build: () => Promise.resolve(),
      json: true,
      expected: () => ({
        code: 1,
        out: [],
        err: [
          'dfchain status: no run "r1" in Firestore at firestore.googleapis.com: check the run id, GOOGLE_CLOUD_PROJECT and DFCHAIN_FIRESTORE_DATABASE',
        ],
      }),
    },
  ];

  for (const { name, build, json, expected } of cases) {
    it(name, async () => {
      const store = new MemoryRunStore();
      await build(store);
      const names = await namesOf(store).catch(() => ({
        ingest: '',
        load: '',
        wait: '',
        timeout: '',
      }));
      assert.deepEqual(await status(store, 'r1', json), expected(names));
    });
  }

  it('a Map reading its items waits on "items", naming what it reads', async () => {
    const store = new MemoryRunStore();
    const started = startRun({
      runId: 'r1',
      chain: 'daily',
      definition: {
        StartAt: 'Each',
        States: {
          Each: {
            Type: 'Map',
            ItemReader: {
              Resource: 'gcs:listObjects',
              Parameters: { bucket: 'drops', prefix: 'in/' },
            },
            ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
            End: true,
          },
        },
      },
      definitionHash: 'h',
      projectId: 'p',
      input: {},
      now: T0,
      nonce: 'n0nce',
    });
    await store.create(started.run);
    const { out } = await status(store, 'r1', false);
    assert.deepEqual(out.slice(-2), [
      'SCOPE  STATE  WAITING FOR                             ATTEMPT  SINCE',
      `-      Each   items (gcs:listObjects gs://drops/in/)  0        ${T0}`,
    ]);
  });

  it("reads the run, then its parts, then the history, once each; a branch's step ending after its part was read shows once, as read", async () => {
    const store = new MemoryRunStore();
    await fanOutRun(store);
    const names = await namesOf(store);
    const parts = store.parts.bind(store);
    // Another delivery ends Load's job (in its branch's part) right after the command read the parts.
    const partsSpy = sinon.stub(store, 'parts').callsFake(async (runId) => {
      const read = await parts(runId);
      const branch = read.find((doc) => Object.values(doc.steps).some((s) => s.state === 'Load'))!;
      const load = stepOf(branch, 'Load');
      await commit(
        store,
        onJobEnded(fanOut, branch, ended(branch, load, 'JOB_STATE_DONE', 'j-load'), T4),
      );
      return read;
    });
    const getSpy = sinon.spy(store, 'get');
    const historySpy = sinon.spy(store, 'history');
    const { code, out } = await status(store, 'r1', true);
    assert.equal(code, 0);
    assert.equal(getSpy.callCount, 1);
    assert.equal(partsSpy.callCount, 1);
    assert.equal(historySpy.callCount, 1);
    assert.ok(getSpy.calledBefore(partsSpy));
    assert.ok(partsSpy.calledBefore(historySpy));
    assert.equal(out.length, 1);
    const view = JSON.parse(out[0]!) as { steps: { jobName: string; status: string }[] };
    assert.deepEqual(
      view.steps.map((s) => [s.jobName, s.status]),
      [
        [names.ingest, 'SUCCEEDED'],
        [names.load, 'LAUNCHED'],
      ],
    );
  });

  it('orders scopes parents first, numbers as numbers', () => {
    const frame = (state: string): Frame => ({
      state,
      input: {},
      enteredTime: T0,
      visit: 0,
      attempt: 0,
      wait: 'job',
    });
    const run: Run = {
      ...emptyRun(),
      frames: {
        'Each[10]': frame('A'),
        'Each[2]/Inner[0]': frame('B'),
        'Each[2]': frame('Inner'),
        '': frame('Each'),
        'Each@1[3]': frame('C'),
      },
    };
    assert.deepEqual(
      runView(run).scopes?.map((s) => s.scope),
      ['', 'Each@1[3]', 'Each[2]', 'Each[2]/Inner[0]', 'Each[10]'],
    );
  });

  it("lists a pending Deadline among the timers, as the run's own (no state)", () => {
    const definition: ChainDefinition = {
      StartAt: 'Ingest',
      Deadline: { AfterSeconds: 7200 },
      Defaults: { Region: 'europe-west4' },
      States: {
        Ingest: {
          Type: 'Task',
          Resource: 'dataflow:flexTemplate',
          Parameters: { jobName: 'ingest', containerSpecGcsPath: 'gs://b/ingest.json' },
          End: true,
        },
      },
    };
    const { run } = startRun({
      runId: 'r1',
      chain: 'daily',
      definition,
      definitionHash: 'h',
      projectId: 'p',
      input: {},
      now: T0,
      nonce: 'n0nce',
    });
    const name = timerName('n0nce', 'deadline', '', 0);
    const due = '2026-11-22T12:00:00.000Z';
    const view = runView(run);
    assert.deepEqual(view.timers, [{ name, kind: 'deadline', state: '', attempt: 0, dueAt: due }]);
    assert.deepEqual(renderRun(view).slice(-2), [
      `TIMER${' '.repeat(46)}KIND      SCOPE  STATE  ATTEMPT  DUE`,
      `${name}  deadline  -      -      0        ${due}`,
    ]);
  });

  it('shows an output of up to 200 characters whole', () => {
    const lines = renderRun(runView({ ...emptyRun(), status: 'SUCCEEDED', output: { a: 1 } }));
    assert.equal(lines[1], 'output {"a":1}');
  });
});
