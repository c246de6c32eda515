import { jobNameFor } from '../../src/chain/job-name.js';
import type { ChainDefinition, State } from '../../src/chain/types.js';
import { validateChain } from '../../src/chain/validate.js';
import { Draft } from '../../src/engine/draft.js';
import { drain } from '../../src/engine/interpreter.js';
import { launchesOf } from '../../src/engine/transition.js';
import type { EndedJob } from '../../src/dataflow/job.js';
import { onJobEnded } from '../../src/engine/job-ended.js';
import { jobLabels } from '../../src/engine/labels.js';
import { onLaunched } from '../../src/engine/launched.js';
import type { Run, Step } from '../../src/engine/run.js';
import { startRun } from '../../src/engine/start.js';
import { BENCH_PROJECT } from './fakes.js';
import { figure, type Figure } from './figures.js';
import { measure, median, microsPerCall, type RepeatOptions } from './measure.js';

const CHAIN = 'long';
const NOW = '2026-11-22T10:00:00.000Z';
const INPUT = { date: '2026-11-21' };

/** A valid linear chain of `size` Tasks, S0 → S1 → … → S(size-1). */
export function linearChain(size: number): ChainDefinition {
  const states: Record<string, State> = {};
  for (let i = 0; i < size; i++) {
    states[`S${i}`] = {
      Type: 'Task',
      Resource: 'dataflow:flexTemplate',
      Parameters: {
        jobName: `step-${i}`,
        containerSpecGcsPath: `gs://b/templates/step-${i}.json`,
        // The first Task sees the run input, the others the previous Task's result.
        parameters:
          i === 0
            ? { 'date.$': '$$.Execution.Input.date' }
            : { 'date.$': '$$.Execution.Input.date', 'source.$': '$.jobName' },
      },
      ...(i < size - 1 ? { Next: `S${i + 1}` } : { End: true as const }),
    };
  }
  return {
    StartAt: 'S0',
    Defaults: { Region: 'europe-west4', Environment: { tempLocation: 'gs://b/tmp' } },
    States: states,
  };
}

function emptyRun(definitionHash: string): Run {
  return {
    id: 'scale-run',
    chain: CHAIN,
    definitionHash,
    projectId: BENCH_PROJECT,
    input: INPUT,
    status: 'RUNNING',
    startTime: NOW,
    steps: {},
  };
}

function stepOf(definition: ChainDefinition, index: number): Step {
  const state = `S${index}`;
  const input = {
    jobName: jobNameFor(`step-${index}`, {
      chain: CHAIN,
      runId: 'scale-run',
      state,
      attempt: 0,
      nonce: '',
    }),
  };
  const d = new Draft(definition, emptyRun('h'), NOW);
  d.agenda.push({ scope: '', state, input });
  drain(d);
  const step = launchesOf(d.result())[0]?.step;
  if (!step) throw new Error(`bench scale: entering ${state} made no launch`);
  return step;
}

/**
 * The run as the engine leaves it after `done` Tasks succeeded and Task `done` was launched:
 * ended steps live in the run's history, so only the launched one is in the run.
 */
function runAt(definition: ChainDefinition, done: number): Run {
  const step = stepOf(definition, done);
  const launched: Step = { ...step, status: 'LAUNCHED', jobId: `job-${done}`, launchedAt: NOW };
  return { ...emptyRun('h'), steps: { [step.jobName]: launched } };
}

function endedJob(run: Run, index: number): EndedJob {
  const step = Object.values(run.steps).find((s) => s.state === `S${index}`);
  if (!step?.jobId) throw new Error(`bench scale: run has no launched step S${index}`);
  return {
    id: step.jobId,
    name: step.jobName,
    projectId: step.projectId,
    location: step.location,
    currentState: 'JOB_STATE_DONE',
    // The step's own labels: a job that does not prove to be the step's ends nothing.
    labels: jobLabels(run.id, run.chain, step.state),
  };
}

/** Per-transition engine cost when `done` Tasks of a chain are behind the run. */
function engineAt(definition: ChainDefinition, done: number, repeat: RepeatOptions) {
  const run = runAt(definition, done);
  const job = endedJob(run, done);
  const ended = onJobEnded(definition, run, job, NOW);
  const next = launchesOf(ended)[0]?.step;
  if (!ended.changed || !next) throw new Error(`bench scale: S${done} ending did not advance`);
  return {
    jobEnded: microsPerCall(() => onJobEnded(definition, run, job, NOW), repeat),
    launched: microsPerCall(() => onLaunched(ended.run, next.jobName, 'job-x', NOW, false), repeat),
    runBytes: Buffer.byteLength(JSON.stringify(ended.run)),
  };
}

/** Options of the scale benchmark. */
export interface ScalePlan {
  readonly sizes: readonly number[];
  readonly validateRuns: number;
  readonly repeat: RepeatOptions;
}

/**
 * Chains of growing length: validateChain time, and the engine's per-transition cost near the
 * start and near the end of a run.
 */
export async function scaleFigures(plan: ScalePlan): Promise<Figure[]> {
  validateChain('warmup.json', linearChain(10));
  const figures: Figure[] = [];
  for (const size of plan.sizes) {
    const definition = linearChain(size);
    const times: number[] = [];
    for (let i = 0; i < plan.validateRuns; i++) {
      times.push((await measure(() => void validateChain(`${CHAIN}.json`, definition))).wallMs);
    }
    const start = microsPerCall(
      () =>
        startRun({
          runId: 'scale-run',
          chain: CHAIN,
          definition,
          definitionHash: 'h',
          projectId: BENCH_PROJECT,
          nonce: 'n',
          input: INPUT,
          now: NOW,
        }),
      plan.repeat,
    );
    const early = engineAt(definition, 0, plan.repeat);
    const late = engineAt(definition, size - 2, plan.repeat);
    const n = `n=${size}`;
    figures.push(
      figure(`scale.${size}.validate`, median(times), 'ms', `${n}, median of ${plan.validateRuns}`),
      figure(`scale.${size}.startRun`, start, 'µs/transition', n),
      figure(`scale.${size}.onJobEnded.first`, early.jobEnded, 'µs/transition', `${n}, S0 ends`),
      figure(
        `scale.${size}.onJobEnded.last`,
        late.jobEnded,
        'µs/transition',
        `${n}, S${size - 2} ends`,
      ),
      figure(
        `scale.${size}.onLaunched.first`,
        early.launched,
        'µs/transition',
        `${n}, S1 launched`,
      ),
      figure(
        `scale.${size}.onLaunched.last`,
        late.launched,
        'µs/transition',
        `${n}, S${size - 1} launched`,
      ),
      figure(
        `scale.${size}.run_bytes.last`,
        late.runBytes / 1024,
        'KiB',
        `${n}, run JSON near the end`,
      ),
    );
  }
  return figures;
}
