import { didYouMean } from '../chain/did-you-mean.js';
import { JOB_NAME_SUFFIX_LENGTH } from '../chain/job-name.js';
import { mapProcessor, type ChainDefinition, type TaskResource } from '../chain/types.js';
import type { TemplateLaunch } from '../dataflow/job.js';
import { jobLabels } from '../engine/labels.js';
import { partKey } from '../engine/part-names.js';
import { ConfigError } from '../errors.js';
import type { JsonObject } from '../json.js';
import type { PublishRequest } from '../engine/publish-request.js';
import type { RunJobStepRequest } from '../engine/run-job-request.js';
import { stepPrefix } from '../chain/resources.js';
import {
  classicTemplateRequest,
  flexTemplateRequest,
  publishTaskRequest,
  runJobTaskRequest,
  type DryRunChain,
  type LaunchNaming,
} from './dry-run.js';
import { readInputOption } from './input-option.js';
import { findChain } from './render-chain.js';
import { taskViews, type TaskView } from './task-inputs.js';
import { problemLine } from './validate.js';

/** What the request shows for the run id when no `--run-id` names it. */
export const RUN_ID_PLACEHOLDER = '<run-id>';

/** What the request shows for the project when GOOGLE_CLOUD_PROJECT is not set. */
export const PROJECT_PLACEHOLDER = '<project>';

/** What follows a Task's jobName prefix in the rendered job name: the suffix is per launch. */
export const JOB_NAME_SUFFIX_PLACEHOLDER = `<${JOB_NAME_SUFFIX_LENGTH} hex>`;

/** What {@link renderTasks} renders one chain's Tasks with. */
export interface RenderOptions {
  /** The chain's name: the `dfchain-chain` label, and part of every job name's digest. */
  readonly chain: string;
  readonly definition: ChainDefinition;
  readonly input: JsonObject;
  /** GOOGLE_CLOUD_PROJECT, or {@link PROJECT_PLACEHOLDER}. */
  readonly projectId: string;
  /** `--run-id`, or {@link RUN_ID_PLACEHOLDER}. */
  readonly runId: string;
  /** DFCHAIN_WORKER_SERVICE_ACCOUNT, which the function puts in each launch. */
  readonly workerServiceAccount?: string;
  /** `$$.Execution.StartTime` and `$$.State.EnteredTime`; default now. */
  readonly now?: string;
}

/** One Task's launch as the run would make it, without launching it. */
export interface RenderedTask {
  /** The state's name. */
  readonly state: string;
  /** The branch or item scope it runs in, Map items as `[*]` (`Fan[0]`, `Each[*]`); absent at the top. */
  readonly scope?: string;
  /** Chain path of the Task, such as `States.Fan.Branches[0].States.Solo`. */
  readonly place: string;
  readonly resource: TaskResource;
  /** The API method the launch calls. */
  readonly method: string;
  readonly projectId: string;
  readonly location: string;
  /** The Task's jobName: the job is named `<prefix>-<12 hex>`, the hex new each run and attempt. */
  readonly jobNamePrefix: string;
  /** The labels dfchain adds to the job (over any the chain sets). */
  readonly labels: Readonly<Record<string, string>>;
  /**
   * The launch request, `.$` resolved, `<unresolved: …>` where the run must get there first; a
   * classic one as `{kind: "classic", gcsPath, launchParameter}` (gcsPath goes in the query).
   */
  readonly request: TemplateLaunch | PublishRequest | RunJobStepRequest;
  /** What does not resolve without running, as `dfchain validate --remote` warns of it. */
  readonly unresolved: readonly { readonly path: string; readonly message: string }[];
}

/** The message a publish Task sends, in the Task's project. */
function publishRender(view: TaskView, chain: DryRunChain, naming: LaunchNaming): PublishRequest {
  return publishTaskRequest(view, chain, naming, view.ref.projectId);
}

/** How each Task resource's launch is rendered: a Record, so a new resource needs its entry. */
const REQUESTS: Readonly<
  Record<
    TaskResource,
    {
      readonly method: string;
      readonly request: (
        view: TaskView,
        chain: DryRunChain,
        naming: LaunchNaming,
      ) => TemplateLaunch | PublishRequest | RunJobStepRequest;
    }
  >
> = {
  'dataflow:flexTemplate': { method: 'flexTemplates.launch', request: flexTemplateRequest },
  'dataflow:template': { method: 'templates.launch', request: classicTemplateRequest },
  'pubsub:publish': { method: 'topics.publish', request: publishRender },
  'pubsub:publish.waitForTaskToken': { method: 'topics.publish', request: publishRender },
  'run:job': { method: 'jobs.run', request: runJobTaskRequest },
};

/** The state name with its scope: `Ingest`, `Fan[0]/Solo`, `Each[*]/Load`. */
export function taskTitle(task: Pick<RenderedTask, 'state' | 'scope'>): string {
  return task.scope === undefined ? task.state : `${task.scope}/${task.state}`;
}

/**
 * Every Task of the chain in chain order (branches and item processors included, a Map with
 * its first item) with the launch the run would make: resolved with the engine's data flow
 * (see taskViews), named and labelled by the engine's code, the job name's per-run suffix and
 * the run id shown as placeholders unless given.
 */
export function renderTasks(options: RenderOptions): RenderedTask[] {
  const chain: DryRunChain = {
    chain: options.chain,
    definition: options.definition,
    ...(options.workerServiceAccount ? { workerServiceAccount: options.workerServiceAccount } : {}),
  };
  const views = taskViews({
    chain: options.chain,
    definition: options.definition,
    input: options.input,
    projectId: options.projectId,
    runId: options.runId,
    ...(options.now !== undefined ? { now: options.now } : {}),
  });
  return views.map((view) => {
    const prefix = stepPrefix(view.state.Resource, view.state.Parameters.jobName);
    // A branch's or item's jobs carry its part's key, derived from its scope path alone.
    const part = view.scope === '' ? undefined : partKey(view.scope);
    const naming: LaunchNaming = {
      jobName: `${prefix}-${JOB_NAME_SUFFIX_PLACEHOLDER}`,
      runId: options.runId,
      ...(part !== undefined ? { part } : {}),
    };
    const { method, request } = REQUESTS[view.state.Resource];
    return {
      state: view.name,
      ...(view.shownScope === '' ? {} : { scope: view.shownScope }),
      place: view.place,
      resource: view.state.Resource,
      method,
      projectId: view.ref.projectId,
      location: view.ref.location,
      jobNamePrefix: prefix,
      labels: jobLabels(options.runId, options.chain, view.name, part),
      request: request(view, chain, naming),
      unresolved: view.unresolved.map((u) => ({ path: u.place, message: u.message })),
    };
  });
}

/** What `dfchain render` is given on its command line and in its environment. */
export interface RenderCommandOptions {
  /** CHAIN: a chain's name in the chains folder, or a chain file's path. */
  readonly chain: string | undefined;
  readonly dir: string;
  /** `--input JSON|@file`, as typed. */
  readonly input: string | undefined;
  /** `--state S`: one Task, by name or as titled (`Fan[0]/Solo`). */
  readonly state: string | undefined;
  readonly runId: string | undefined;
  readonly json: boolean;
  /** GOOGLE_CLOUD_PROJECT and DFCHAIN_WORKER_SERVICE_ACCOUNT are read from it. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly now?: string;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The Task or Tasks `--state` names: by state name, by title, or by chain path. */
function selectState(
  tasks: readonly RenderedTask[],
  state: string,
  definitionStates: ReadonlySet<string>,
): RenderedTask[] | string {
  const picked = tasks.filter(
    (t) => t.state === state || taskTitle(t) === state || t.place === state,
  );
  if (picked.length > 0) return picked;
  const titles = tasks.map(taskTitle);
  const known =
    titles.length === 0 ? 'the chain has no Task states' : `its Task states: ${titles.join(', ')}`;
  if (definitionStates.has(state)) return `--state ${state}: not a Task state; ${known}`;
  const guess = didYouMean(state, [...new Set([...tasks.map((t) => t.state), ...titles])]);
  return `--state ${state}: no such Task state${guess ? ` (did you mean "${guess}"?)` : ''}; ${known}`;
}

/** Every state name of the chain, nested ones included, to tell a non-Task state from a typo. */
function stateNames(definition: ChainDefinition): Set<string> {
  const names = new Set<string>();
  const walk = (states: ChainDefinition['States']): void => {
    for (const [name, state] of Object.entries(states)) {
      names.add(name);
      if (state.Type === 'Parallel') state.Branches.forEach((b) => walk(b.States));
      else if (state.Type === 'Map') walk(mapProcessor(state).States);
    }
  };
  walk(definition.States);
  return names;
}

/** The request as pretty JSON, indented under its heading. */
function requestLines(request: unknown): string[] {
  return [
    '  request',
    ...JSON.stringify(request, null, 2)
      .split('\n')
      .map((l) => `    ${l}`),
  ];
}

/** What the run must get to before it can resolve, as `dfchain validate --remote` warns of it. */
function unresolvedLines(task: RenderedTask, file: string): string[] {
  if (task.unresolved.length === 0) return [];
  return [
    '  unresolved (known only when the run gets there)',
    ...task.unresolved.map((u) => `    ${problemLine(file, u)}`),
  ];
}

/** The text of a rendered publish Task: its topic, step name, and message. */
function publishLines(task: RenderedTask, request: PublishRequest, file: string): string[] {
  const { kind: _kind, topic, tokenPlaceholder, ...message } = request;
  return [
    taskTitle(task),
    `  resource  ${task.resource} (${task.method})`,
    `  topic     ${topic}`,
    `  step      ${task.jobNamePrefix}-${JOB_NAME_SUFFIX_PLACEHOLDER} (the message's dfchain_step attribute)`,
    ...(tokenPlaceholder === undefined
      ? []
      : [`  token     "${tokenPlaceholder}" stands where the run puts $$.Task.Token`]),
    ...requestLines(message),
    ...unresolvedLines(task, file),
  ];
}

/** The text of a rendered run:job Task: its job, step name, and the jobs.run body. */
function runJobLines(task: RenderedTask, request: RunJobStepRequest, file: string): string[] {
  const { projectId, location, job } = request.ref;
  return [
    taskTitle(task),
    `  resource  ${task.resource} (${task.method})`,
    `  job       projects/${projectId}/locations/${location}/jobs/${job}`,
    `  step      ${task.jobNamePrefix}-${JOB_NAME_SUFFIX_PLACEHOLDER} (the executions' DFCHAIN_STEP env)`,
    ...requestLines(request.body),
    ...unresolvedLines(task, file),
  ];
}

/** The text of one rendered Task: its facts, its request as pretty JSON, and its notes. */
function taskLines(task: RenderedTask, file: string): string[] {
  if (task.request.kind === 'publish') return publishLines(task, task.request, file);
  if (task.request.kind === 'runJob') return runJobLines(task, task.request, file);
  const project =
    task.projectId === PROJECT_PLACEHOLDER
      ? `${PROJECT_PLACEHOLDER} (GOOGLE_CLOUD_PROJECT is not set)`
      : task.projectId;
  const notes: string[] = [];
  if (task.labels['dfchain-run'] === RUN_ID_PLACEHOLDER)
    notes.push('pass --run-id to name the run');
  // Each item of a Map runs in a part of its own: the key shown is the first item's.
  if (task.scope?.includes('[*]'))
    notes.push("dfchain-part is the first item's, each item has its own");
  const labels = Object.entries(task.labels).map(([k, v]) => `${k}=${v}`);
  const request = task.request;
  const classic = request.kind === 'classic' ? request : undefined;
  const lines = [
    taskTitle(task),
    `  resource  ${task.resource} (${task.method})`,
    `  project   ${project}`,
    `  region    ${task.location}`,
    `  job name  ${task.jobNamePrefix}-${JOB_NAME_SUFFIX_PLACEHOLDER} (the suffix derives from the run's random nonce: new for each run and each attempt)`,
    `  labels    ${labels.join(' ')}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`,
    // A classic launch sends gcsPath as a query parameter and LaunchTemplateParameters as the body.
    ...(classic ? [`  gcsPath   ${classic.gcsPath}`] : []),
    ...requestLines(classic ? classic.launchParameter : task.request),
  ];
  return [...lines, ...unresolvedLines(task, file)];
}

/**
 * `dfchain render CHAIN [--chains-dir DIR] [--input JSON|@file] [--state S] [--run-id ID]
 * [--json]`: prints the launch request each Task (or only state S) would make, without
 * launching anything and without credentials or network; with `json`, one JSON array of
 * {@link RenderedTask} objects (without `place` and `method`) instead. Returns 0, or 1 after
 * one line on `err` when the chain, its validity, `--state` or `--input` stands in the way.
 */
export function renderCommand(
  options: RenderCommandOptions,
  out: (line: string) => void,
  err: (line: string) => void,
): number {
  if (options.chain === undefined) {
    err('render needs a chain: dfchain render CHAIN [--input JSON|@FILE] [--state S]');
    return 1;
  }
  let input: JsonObject;
  try {
    input = readInputOption(options.input);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    err(error.message);
    return 1;
  }
  const found = findChain(options.chain, options.dir);
  if (found.kind === 'refused') {
    found.lines.forEach(err);
    return 1;
  }
  const runId = options.runId ?? RUN_ID_PLACEHOLDER;
  const workerServiceAccount = options.env['DFCHAIN_WORKER_SERVICE_ACCOUNT'] || undefined;
  const all = renderTasks({
    chain: found.name,
    definition: found.definition,
    input,
    projectId: options.env['GOOGLE_CLOUD_PROJECT'] || PROJECT_PLACEHOLDER,
    runId,
    ...(workerServiceAccount ? { workerServiceAccount } : {}),
    ...(options.now !== undefined ? { now: options.now } : {}),
  });
  const picked =
    options.state === undefined
      ? all
      : selectState(all, options.state, stateNames(found.definition));
  if (typeof picked === 'string') {
    err(picked);
    return 1;
  }
  if (options.json) {
    out(
      JSON.stringify(
        picked.map(({ place: _place, method: _method, unresolved, ...task }) => ({
          ...task,
          unresolved: unresolved.map((u) => ({ file: found.file, ...u })),
        })),
      ),
    );
    return 0;
  }
  picked.forEach((task, i) => {
    if (i > 0) out('');
    taskLines(task, found.file).forEach(out);
  });
  const places = picked.reduce((n, t) => n + t.unresolved.length, 0);
  const unresolved =
    places > 0 ? `; ${plural(places, 'place')} cannot be resolved without running` : '';
  err(
    `rendered ${plural(picked.length, 'Task')} of ${found.name} (${found.file}), the input taken as every state's input (a Map's first item); nothing launched${unresolved}`,
  );
  return 0;
}
