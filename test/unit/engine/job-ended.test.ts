import { strict as assert } from 'node:assert';
import type { EndedJob } from '../../../src/dataflow/job.js';
import { onJobEnded, staleReason } from '../../../src/engine/job-ended.js';
import { jobLabels } from '../../../src/engine/labels.js';
import type { Run } from '../../../src/engine/run.js';
import { startRun } from '../../../src/engine/start.js';
import { STEP_OUTPUT_KEPT } from '../../../src/engine/draft.js';
import type { JsonObject } from '../../../src/json.js';
import type { ChainDefinition } from '../../../src/chain/types.js';
import { threeSteps } from '../../fixtures/chains.js';

const T0 = '2026-11-22T10:00:00.000Z';
const T1 = '2026-11-22T10:05:00.000Z';
const T2 = '2026-11-22T10:07:00.000Z';
const JOB_ID = '2026-11-22_02_00_00-7';
/** The deterministic name of Ingest's first attempt in run daily-1 with nonce n0nce. */
const INGEST = 'ingest-7c8300b00871';

function started(
  definition: ChainDefinition = threeSteps,
  input: JsonObject = { date: '2026-11-21' },
): Run {
  return startRun({
    runId: 'daily-1',
    chain: 'daily',
    definition,
    definitionHash: 'h1',
    projectId: 'p',
    input,
    now: T0,
    nonce: 'n0nce',
  }).run;
}

const ingestJob = (currentState: EndedJob['currentState'] = 'JOB_STATE_DONE'): EndedJob => ({
  id: JOB_ID,
  name: INGEST,
  projectId: 'p',
  location: 'europe-west4',
  currentState,
  labels: jobLabels('daily-1', 'daily', 'Ingest'),
});

describe('engine: an ended step keeps the output its state made (for the run console)', () => {
  it('after ResultSelector and ResultPath; an output over 4 KiB of JSON keeps only its size; a failed step none', () => {
    const definition: ChainDefinition = {
      StartAt: 'Ingest',
      States: {
        Ingest: {
          Type: 'Task',
          Resource: 'dataflow:flexTemplate',
          Region: 'europe-west4',
          Parameters: { containerSpecGcsPath: 'gs://b/t.json', jobName: 'ingest' },
          ResultSelector: { 'id.$': '$.jobId' },
          ResultPath: '$.ingest',
          End: true,
        },
      },
    };
    const small = started(definition, { date: '2026-11-21' });
    const name = Object.keys(small.steps)[0]!;
    const job = { ...ingestJob(), name };
    const ended = onJobEnded(definition, small, job, T1).archived[0];
    assert.deepEqual(ended?.output, { date: '2026-11-21', ingest: { id: JOB_ID } });
    assert.equal(ended?.outputSize, undefined);

    const big = started(definition, { blob: 'x'.repeat(STEP_OUTPUT_KEPT) });
    const kept = onJobEnded(definition, big, job, T1).archived[0];
    assert.equal(kept?.output, undefined);
    const size = JSON.stringify({ blob: 'x'.repeat(STEP_OUTPUT_KEPT), ingest: { id: JOB_ID } });
    assert.equal(kept?.outputSize, size.length);

    const failed = onJobEnded(definition, small, { ...job, currentState: 'JOB_STATE_FAILED' }, T1);
    assert.equal(failed.archived[0]?.output, undefined);
    assert.equal(failed.archived[0]?.outputSize, undefined);
  });
});

describe('engine: onJobEnded archives the step with the confirmed job', () => {
  it('an INTENDED step (no job id yet, lease held) ended by its job is archived with the job id, its end as launch time, and no lease', () => {
    const run = started();
    const intended = run.steps[INGEST]!;
    assert.equal(intended.status, 'INTENDED');
    assert.equal(intended.jobId, undefined);
    const leased: Run = {
      ...run,
      steps: { [INGEST]: { ...intended, lease: { owner: 'token-1', until: T2, holders: 1 } } },
    };

    const t = onJobEnded(threeSteps, leased, ingestJob(), T1);

    assert.deepEqual(t.archived, [
      {
        state: 'Ingest',
        attempt: 0,
        jobName: INGEST,
        projectId: 'p',
        location: 'europe-west4',
        request: intended.request,
        status: 'SUCCEEDED',
        intendedAt: T0,
        jobId: JOB_ID,
        launchedAt: T1,
        endedAt: T1,
        jobState: 'JOB_STATE_DONE',
        // What the state made of the job's result (the Task's raw result: no ResultSelector).
        output: {
          jobId: JOB_ID,
          jobName: INGEST,
          currentState: 'JOB_STATE_DONE',
          location: 'europe-west4',
          projectId: 'p',
        },
      },
    ]);
    assert.equal(t.run.steps[INGEST], undefined, 'the ended step leaves the run');
    assert.deepEqual(t.events[0], {
      event: 'job.confirmed',
      runId: 'daily-1',
      chain: 'daily',
      state: 'Ingest',
      jobName: INGEST,
      jobId: JOB_ID,
      jobState: 'JOB_STATE_DONE',
    });
  });

  it('a LAUNCHED step keeps its launch time and gets the failed job id, state and error', () => {
    const run = started();
    const launched: Run = {
      ...run,
      steps: {
        [INGEST]: { ...run.steps[INGEST]!, status: 'LAUNCHED', jobId: JOB_ID, launchedAt: T0 },
      },
    };

    const t = onJobEnded(threeSteps, launched, ingestJob('JOB_STATE_FAILED'), T1);

    const error = {
      Error: 'Dataflow.JobFailed',
      Cause: `Dataflow job ${INGEST} (${JOB_ID}) in europe-west4 ended JOB_STATE_FAILED`,
    };
    assert.deepEqual(
      t.archived.map(({ status, jobId, launchedAt, endedAt, jobState, error: e }) => ({
        status,
        jobId,
        launchedAt,
        endedAt,
        jobState,
        error: e,
      })),
      [
        {
          status: 'FAILED',
          jobId: JOB_ID,
          launchedAt: T0,
          endedAt: T1,
          jobState: 'JOB_STATE_FAILED',
          error,
        },
      ],
    );
    assert.equal(t.run.status, 'FAILED');
    assert.deepEqual(t.run.error, error);
  });

  it('a job with the step name but another id than the recorded one changes nothing', () => {
    const run = started();
    const launched: Run = {
      ...run,
      steps: { [INGEST]: { ...run.steps[INGEST]!, status: 'LAUNCHED', jobId: 'other-id' } },
    };
    const t = onJobEnded(threeSteps, launched, ingestJob(), T1);
    assert.equal(t.changed, false);
    assert.deepEqual(t.archived, []);
  });
});

describe('engine: a job that ends after its run ended', () => {
  for (const status of ['SUCCEEDED', 'FAILED'] as const) {
    it(`is stale for a ${status} run, even while its step is still recorded, and changes nothing`, () => {
      const run = { ...started(), status };
      assert.equal(staleReason(run, ingestJob()), `run daily-1 already ${status}`);
      assert.deepEqual(onJobEnded(threeSteps, run, ingestJob(), T1), {
        run,
        changed: false,
        effects: [],
        events: [],
        archived: [],
      });
    });
  }
});

describe('engine: a job end for a step whose state the definition does not have', () => {
  it('fails the run with States.Runtime instead of throwing or leaving it RUNNING', () => {
    const { Ingest: _ingest, ...others } = threeSteps.States;
    const t = onJobEnded({ ...threeSteps, States: others }, started(), ingestJob(), T1);
    assert.equal(t.run.status, 'FAILED');
    assert.deepEqual(t.run.error, {
      Error: 'States.Runtime',
      Cause: 'States.Ingest: no such state in chain "daily"',
    });
  });
});
