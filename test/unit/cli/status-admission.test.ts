import { strict as assert } from 'node:assert';
import sinon from 'sinon';
import type { ChainDefinition } from '../../../src/chain/types.js';
import { ordinal, queuedRunLine, readAdmission } from '../../../src/cli/status-admission.js';
import { renderRun, runView, statusCommand } from '../../../src/cli/status.js';
import { jobsPool, runsPool } from '../../../src/engine/admission.js';
import { timerName } from '../../../src/engine/names.js';
import { startPart } from '../../../src/engine/part.js';
import { onQuotaRefused } from '../../../src/engine/quota.js';
import type { Run, Step } from '../../../src/engine/run.js';
import { startRun, type StartRequest } from '../../../src/engine/start.js';
import { MemoryRunStore } from '../../../src/store/memory.js';

const T0 = '2026-11-22T10:00:00.000Z';
const T1 = '2026-11-22T10:01:00.000Z';
const T2 = '2026-11-22T10:02:00.000Z';
const T3 = '2026-11-22T10:03:00.000Z';
const DUE = '2026-11-22T10:03:30.000Z';
const POOL = jobsPool('p');

function task(jobName: string): ChainDefinition['States'][string] {
  return {
    Type: 'Task',
    Resource: 'dataflow:flexTemplate',
    Parameters: { jobName, containerSpecGcsPath: `gs://b/${jobName}.json` },
    End: true,
  };
}

/** One Task. */
const ONE: ChainDefinition = {
  StartAt: 'Load',
  Defaults: { Region: 'europe-west4' },
  States: { Load: task('load') },
};

/** One Task; at most two runs of the chain at once. */
const SERIAL: ChainDefinition = { ...ONE, MaxConcurrentRuns: 2 };

/** A Parallel of two Tasks: each branch runs in a part of its own. */
const FAN: ChainDefinition = {
  StartAt: 'Fan',
  Defaults: { Region: 'europe-west4' },
  States: {
    Fan: {
      Type: 'Parallel',
      Branches: [
        { StartAt: 'A', States: { A: task('a') } },
        { StartAt: 'B', States: { B: task('b') } },
      ],
      End: true,
    },
  },
};

/** Starts and stores a run (and the parts it spawns), as the handler does. */
async function begin(
  store: MemoryRunStore,
  runId: string,
  chain: string,
  definition: ChainDefinition,
  now: string,
  admission?: StartRequest['admission'],
): Promise<Run> {
  await store.putDefinition(`h-${chain}`, definition);
  const t = startRun({
    runId,
    chain,
    definition,
    definitionHash: `h-${chain}`,
    projectId: 'p',
    input: {},
    now,
    nonce: `n-${runId}`,
    ...(admission ? { admission } : {}),
  });
  await store.create(t.run);
  for (const effect of t.effects) {
    if (effect.kind === 'spawn') await store.create(startPart(definition, t.run, effect, now).run);
  }
  return t.run;
}

/** The one step in flight of a document. */
function onlyStep(doc: Run): Step {
  const [step] = Object.values(doc.steps);
  assert.ok(step, `a step in flight in ${doc.id}`);
  return step;
}

/** Puts the in-flight step of document `docId` in line of jobs.p since `at` (it gives up its lease, as admitIntents does). */
async function queueStep(store: MemoryRunStore, docId: string, at: string): Promise<Step> {
  return store.update(docId, (doc) => {
    const { lease: _none, ...step } = onlyStep(doc!);
    const waiting: Step = { ...step, queued: { pool: POOL, at } };
    return {
      run: { ...doc!, steps: { [step.jobName]: waiting } },
      result: waiting,
    };
  });
}

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

/** Three runs of `serial` in line behind its two slots, started at T0, T1 and T2. */
async function threeQueued(store: MemoryRunStore): Promise<void> {
  for (const [runId, at] of [
    ['q1', T0],
    ['q2', T1],
    ['q3', T2],
  ] as const) {
    await begin(store, runId, 'serial', SERIAL, at, { queued: { pool: runsPool('serial'), at } });
  }
}

describe('dfchain status: admission', () => {
  it('a queued run, human: its place in its chain line and the MaxConcurrentRuns it waits for', async () => {
    const store = new MemoryRunStore();
    await threeQueued(store);
    assert.deepEqual(await status(store, 'q2', false), {
      code: 0,
      out: [
        `run q2  chain serial  RUNNING  started ${T1}`,
        `queued: waiting for one of chain serial's 2 run slots (MaxConcurrentRuns), 2nd in line since ${T1}`,
        'SCOPE  STATE  STATUS  JOB NAME  JOB ID  LOCATION  DURATION',
      ],
      err: [],
    });
  });

  it('a queued run, --json: still RUNNING, with queued {pool, since, position}', async () => {
    const store = new MemoryRunStore();
    await threeQueued(store);
    assert.deepEqual(await status(store, 'q2', true), {
      code: 0,
      out: [
        JSON.stringify({
          id: 'q2',
          chain: 'serial',
          status: 'RUNNING',
          input: {},
          startTime: T1,
          queued: { pool: 'runs.serial', since: T1, position: 2 },
          steps: [],
          scopes: [],
          timers: [],
        }),
      ],
      err: [],
    });
  });

  it('a step in line, human and --json: a LAUNCH column with its place in jobs.p', async () => {
    const store = new MemoryRunStore();
    await begin(store, 'r0', 'one', ONE, T0);
    await begin(store, 'r1', 'one', ONE, T0);
    const ahead = await queueStep(store, 'r0', T1);
    const step = await queueStep(store, 'r1', T2);
    assert.notEqual(ahead.jobName, step.jobName);
    const name = step.jobName;
    const pad = ' '.repeat(name.length - 'JOB NAME'.length);
    assert.deepEqual(await status(store, 'r1', false), {
      code: 0,
      out: [
        `run r1  chain one  RUNNING  started ${T0}`,
        `SCOPE  STATE  STATUS    JOB NAME${pad}  JOB ID  LOCATION      DURATION  LAUNCH`,
        `-      Load   INTENDED  ${name}  -       europe-west4  -         waiting for a slot of jobs.p (DFCHAIN_MAX_ACTIVE_JOBS), 2nd in line`,
        '',
        'SCOPE  STATE  WAITING FOR' + ' '.repeat(name.length - 5) + 'ATTEMPT  SINCE',
        `-      Load   job ${name}  0        ${T0}`,
      ],
      err: [],
    });
    const { out } = await status(store, 'r1', true);
    const view = JSON.parse(out[0]!) as { steps: unknown[] };
    assert.deepEqual(view.steps, [
      {
        state: 'Load',
        attempt: 0,
        status: 'INTENDED',
        jobName: name,
        location: 'europe-west4',
        intendedAt: T0,
        queued: { pool: 'jobs.p', since: T2, position: 2 },
      },
    ]);
  });

  it('a launch refused for quota, human and --json: its retry time and how many waits', async () => {
    const store = new MemoryRunStore();
    await begin(store, 'r1', 'one', ONE, T0);
    const name = await store.update('r1', (run) => {
      const step = onlyStep(run!);
      const leased = { ...step, lease: { owner: 'me', until: T3, holders: 1 } };
      const t = onQuotaRefused({ ...run!, steps: { [step.jobName]: leased } }, step.jobName, {
        owner: 'me',
        now: T2,
        delayMs: 90_000,
      });
      return { run: t.run, result: step.jobName };
    });
    const timer = timerName('n-r1', 'launch', name, 1);
    const pad = ' '.repeat(name.length - 'JOB NAME'.length);
    assert.deepEqual(await status(store, 'r1', false), {
      code: 0,
      out: [
        `run r1  chain one  RUNNING  started ${T0}`,
        `SCOPE  STATE  STATUS    JOB NAME${pad}  JOB ID  LOCATION      DURATION  LAUNCH`,
        `-      Load   INTENDED  ${name}  -       europe-west4  -         launch refused for quota (429), retrying at ${DUE} (wait 1)`,
        '',
        'SCOPE  STATE  WAITING FOR' + ' '.repeat(name.length - 5) + 'ATTEMPT  SINCE',
        `-      Load   job ${name}  0        ${T0}`,
        '',
        'TIMER' + ' '.repeat(timer.length - 3) + 'KIND    SCOPE  STATE  ATTEMPT  DUE',
        `${timer}  launch  -      Load   0        ${DUE}`,
      ],
      err: [],
    });
    const { out } = await status(store, 'r1', true);
    const view = JSON.parse(out[0]!) as { steps: unknown[] };
    assert.deepEqual(view.steps, [
      {
        state: 'Load',
        attempt: 0,
        status: 'INTENDED',
        jobName: name,
        location: 'europe-west4',
        intendedAt: T0,
        quotaWait: { dueAt: DUE, waits: 1 },
      },
    ]);
  });

  it("a part's step in line shows its place too, read once per waiter", async () => {
    const store = new MemoryRunStore();
    await begin(store, 'r1', 'fan', FAN, T0);
    const parts = await store.parts('r1');
    assert.equal(parts.length, 2);
    const [first, second] = parts.sort((a, b) => a.id.localeCompare(b.id));
    const a = await queueStep(store, first!.id, T1);
    const b = await queueStep(store, second!.id, T2);
    const place = sinon.spy(store, 'placeInLine');
    const { out } = await status(store, 'r1', true);
    assert.equal(place.callCount, 2);
    const view = JSON.parse(out[0]!) as { steps: { jobName: string; queued?: unknown }[] };
    assert.deepEqual(
      view.steps.map((s) => [s.jobName, s.queued]),
      [
        [a.jobName, { pool: 'jobs.p', since: T1, position: 1 }],
        [b.jobName, { pool: 'jobs.p', since: T2, position: 2 }],
      ],
    );
    // Both names have the same length: the engine's name is the Task's jobName and a hash.
    assert.equal(a.jobName.length, b.jobName.length);
    // The WAITING FOR column is as wide as the Parallel's `children (2 of 2 running)`.
    const column = (text: string) => text.padEnd('children (2 of 2 running)'.length);
    assert.deepEqual(await status(store, 'r1', false), {
      code: 0,
      out: [
        `run r1  chain fan  RUNNING  started ${T0}`,
        `SCOPE   STATE  STATUS    ${'JOB NAME'.padEnd(a.jobName.length)}  JOB ID  LOCATION      DURATION  LAUNCH`,
        `Fan[0]  A      INTENDED  ${a.jobName}  -       europe-west4  -         waiting for a slot of jobs.p (DFCHAIN_MAX_ACTIVE_JOBS), 1st in line`,
        `Fan[1]  B      INTENDED  ${b.jobName}  -       europe-west4  -         waiting for a slot of jobs.p (DFCHAIN_MAX_ACTIVE_JOBS), 2nd in line`,
        '',
        'SCOPE   STATE  WAITING FOR                ATTEMPT  SINCE',
        `-       Fan    children (2 of 2 running)  0        ${T0}`,
        `Fan[0]  A      ${column(`job ${a.jobName}`)}  0        ${T0}`,
        `Fan[1]  B      ${column(`job ${b.jobName}`)}  0        ${T0}`,
      ],
      err: [],
    });
  });

  it('an abandoned step is neither in line nor waiting for quota, and reads no place', async () => {
    const store = new MemoryRunStore();
    await begin(store, 'r1', 'one', ONE, T0);
    await store.update('r1', (run) => {
      const step = onlyStep(run!);
      const gone: Step = {
        ...step,
        abandoned: true,
        queued: { pool: POOL, at: T1 },
        quotaWait: { dueAt: DUE, waits: 1 },
      };
      return { run: { ...run!, steps: { [step.jobName]: gone } }, result: undefined };
    });
    const place = sinon.spy(store, 'placeInLine');
    const { out } = await status(store, 'r1', true);
    assert.equal(place.callCount, 0);
    const view = JSON.parse(out[0]!) as { steps: Record<string, unknown>[] };
    assert.equal(view.steps[0]!.abandoned, true);
    assert.equal('queued' in view.steps[0]!, false);
    assert.equal('quotaWait' in view.steps[0]!, false);
  });

  it("reads a queued run's MaxConcurrentRuns from its own stored definition, not for a begun run", async () => {
    const store = new MemoryRunStore();
    await threeQueued(store);
    const definition = sinon.spy(store, 'getDefinition');
    const run = (await store.get('q3'))!;
    assert.deepEqual(await readAdmission(store, run, []), {
      places: new Map([['q3/', 3]]),
      runSlots: 2,
    });
    assert.deepEqual(definition.args, [['h-serial']]);
    const begun = await begin(store, 'r9', 'serial', SERIAL, T3, {
      slot: { pool: 'runs.serial', index: 0 },
    });
    assert.deepEqual(await readAdmission(store, begun, []), { places: new Map() });
    assert.equal(definition.callCount, 1);
  });

  it('a queued run whose definition is missing, or whose chain has one slot', () => {
    const queued = { pool: 'runs.serial', since: T1, position: 1 };
    assert.equal(
      queuedRunLine('serial', queued),
      `queued: waiting for a run slot of chain serial (MaxConcurrentRuns), 1st in line since ${T1}`,
    );
    assert.equal(
      queuedRunLine('serial', queued, 1),
      `queued: waiting for chain serial's one run slot (MaxConcurrentRuns), 1st in line since ${T1}`,
    );
  });

  it('runView without places shows the line a run waits in, without a position', () => {
    const run: Run = {
      id: 'q1',
      chain: 'serial',
      definitionHash: 'h',
      projectId: 'p',
      input: {},
      status: 'RUNNING',
      startTime: T0,
      steps: {},
      queued: { pool: 'runs.serial', at: T0 },
    };
    const view = runView(run);
    assert.deepEqual(view.queued, { pool: 'runs.serial', since: T0 });
    assert.equal(
      renderRun(view, 3)[1],
      `queued: waiting for one of chain serial's 3 run slots (MaxConcurrentRuns) since ${T0}`,
    );
    // An ended run that never left the line (cancelled while queued) waits no more.
    assert.equal(runView({ ...run, status: 'CANCELLED', endTime: T1 }).queued, undefined);
  });

  it('names places in English', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 10, 11, 12, 13, 14, 21, 22, 23, 101, 111, 112, 113, 121].map(ordinal),
      [
        '1st',
        '2nd',
        '3rd',
        '4th',
        '10th',
        '11th',
        '12th',
        '13th',
        '14th',
        '21st',
        '22nd',
        '23rd',
        '101st',
        '111th',
        '112th',
        '113th',
        '121st',
      ],
    );
  });
});
