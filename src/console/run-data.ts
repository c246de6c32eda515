import { explorerUrl, logsFilter } from '../cli/logs.js';
import { readAdmission } from '../cli/status-admission.js';
import { statusGraph, pictureScope } from '../cli/status-graph.js';
import { readRunDocs, runView } from '../cli/status.js';
import type { StepView } from '../cli/status-view.js';
import { stateId } from '../chain/picture.js';
import type { ChainDefinition } from '../chain/types.js';
import { redriveProblem } from '../engine/redrive.js';
import type { Run, Step } from '../engine/run.js';
import { isPublishStep, isRunJobStep } from '../engine/step-kind.js';
import type { Json } from '../json.js';
import type { RunPayload, StepDetail } from './api.js';
import type { ConsoleContext } from './context.js';
import { runMaps, runStates } from './run-states.js';

/** What kind of thing a step started, in the words of the page. */
function resourceOf(step: Step): string {
  if (isPublishStep(step)) return 'Pub/Sub message';
  if (isRunJobStep(step)) return 'Cloud Run execution';
  return 'Dataflow job';
}

/** Every step record of the run by job name: an ended copy wins, as in runView. */
function stepsByName(run: Run, parts: readonly Run[], history: readonly Step[]): Map<string, Step> {
  const byName = new Map<string, Step>();
  const ended = [...history, ...parts.flatMap((part) => part.ended ?? [])];
  const live = [run, ...parts].flatMap((doc) => Object.values(doc.steps));
  for (const step of [...ended, ...live])
    if (!byName.has(step.jobName)) byName.set(step.jobName, step);
  return byName;
}

/** The step's view with its graph node, its request and what it started. */
function stepDetail(
  view: StepView,
  step: Step | undefined,
  definition: ChainDefinition | undefined,
): StepDetail {
  const at = definition && pictureScope(definition, view.scope ?? '');
  return {
    ...view,
    ...(at ? { nodeId: stateId(at, view.state) } : {}),
    request: (step?.request ?? null) as unknown as Json,
    resource: step ? resourceOf(step) : 'Dataflow job',
    ...(step?.messageId !== undefined ? { messageId: step.messageId } : {}),
    ...(step?.output !== undefined ? { output: step.output } : {}),
    ...(step?.outputSize !== undefined ? { outputSize: step.outputSize } : {}),
  };
}

/** Why the run cannot be cancelled now, or undefined when it can. */
function cancelProblem(run: Run): string | undefined {
  return run.status === 'RUNNING'
    ? undefined
    : `run ${run.id} is ${run.status}: only a RUNNING run can be cancelled`;
}

/** Definitions by hash, per store: a stored definition never changes. */
const definitions = new WeakMap<object, Map<string, ChainDefinition | undefined>>();

async function definitionOf(
  ctx: ConsoleContext,
  hash: string,
): Promise<ChainDefinition | undefined> {
  const known = definitions.get(ctx.store) ?? new Map<string, ChainDefinition | undefined>();
  definitions.set(ctx.store, known);
  if (known.get(hash) === undefined) known.set(hash, await ctx.store.getDefinition(hash));
  return known.get(hash);
}

/**
 * The run and its parts from the feed's documents (the run's own document and those whose root
 * it is), then its history from the store, in runView's order; or all three from the store.
 */
async function runDocs(
  ctx: ConsoleContext,
  runId: string,
  docs: readonly Run[] | undefined,
): Promise<{ run: Run; parts: Run[]; history: Step[] } | undefined> {
  if (!docs) return readRunDocs(ctx.store, runId);
  const run = docs.find((doc) => doc.id === runId);
  if (!run) return undefined;
  const parts = docs.filter((doc) => doc.part?.root === runId);
  return { run, parts, history: await ctx.store.history(runId) };
}

/**
 * The Run page: the run as `dfchain status --json` shows it, each step with its node and
 * request, the run's own definition coloured by what the run did, its states and Map items,
 * the Logs Explorer link and which actions may be taken. Undefined when no run has that id
 * (a Map item's or branch's document is no run). `docs`: the feed's documents of the run.
 */
export async function runPayload(
  ctx: ConsoleContext,
  runId: string,
  docs?: readonly Run[],
): Promise<RunPayload | undefined> {
  const found = await runDocs(ctx, runId, docs);
  if (!found || found.run.part !== undefined) return undefined;
  const { run, parts, history } = found;
  const { places } = await readAdmission(ctx.store, run, parts);
  const definition = await definitionOf(ctx, run.definitionHash);
  const view = runView(run, history, parts, places, ctx.prices);
  const byName = stepsByName(run, parts, history);
  const redrive = redriveProblem(run);
  const cancel = cancelProblem(run);
  return {
    run: view,
    steps: view.steps.map((s) => stepDetail(s, byName.get(s.jobName), definition)),
    ...(definition
      ? { graph: statusGraph(definition, view, parts) }
      : {
          graphProblem: `the run's definition (hash ${run.definitionHash}) is not in the store, so its graph cannot be drawn`,
        }),
    states: definition ? runStates(definition, view, run, parts) : [],
    maps: definition ? runMaps(definition, run, parts) : [],
    links: { logs: explorerUrl(logsFilter(run.id, run.startTime), ctx.projectId) },
    actions: {
      allowed: ctx.allowActions,
      ...(cancel !== undefined ? { cancel } : {}),
      ...(redrive !== undefined ? { redrive } : {}),
    },
    now: ctx.now().toISOString(),
  };
}
