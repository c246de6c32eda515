import { describeRead } from '../engine/item-request.js';
import type { Frame, Run, Step } from '../engine/run.js';
import { isQueued } from '../engine/admission.js';
import { isUnsettled } from '../engine/run.js';
import type { ChainDefinition } from '../chain/types.js';
import { DEFAULT_PRICE_TABLE, type PriceTable } from '../cost/prices.js';
import { runCost, runCostLine, stepCost, vcpuHours } from '../cost/view.js';
import type { RunStore } from '../store/port.js';
import { endpointOf, endpointText, failureLine, withDeadline, type Endpoint } from './failure.js';
import {
  launchNote,
  placeKey,
  queuedRunLine,
  readAdmission,
  type Places,
  type QueuedView,
} from './status-admission.js';
import { consoleUrl, scheduleView, stepSeconds } from './status-extras.js';
import { statusGraph } from './status-graph.js';
import { duration } from './duration.js';
import type { RunView, ScopeView, StepView } from './status-view.js';

export type { RunView, ScopeView, StepView, TimerView } from './status-view.js';

/** Orders scope paths with their numbers as numbers: `Fan[2]` before `Fan[10]`. */
function compareScopes(a: string, b: string): number {
  const pa = a.split(/(\d+)/);
  const pb = b.split(/(\d+)/);
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i]!;
    const y = pb[i]!;
    if (x === y) continue;
    // Odd parts are the digit runs split() captured.
    if (i % 2 === 1) return Number(x) - Number(y) || x.length - y.length;
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}

/** Why a step in flight is not launched yet, as its view carries it. */
type LaunchWaits = Pick<StepView, 'queued' | 'quotaWait'>;

/** The place in line of a waiter, when it was read. */
function queuedView(
  queued: { readonly pool: string; readonly at: string },
  position: number | undefined,
): QueuedView {
  return { pool: queued.pool, since: queued.at, ...(position !== undefined ? { position } : {}) };
}

/** The waits of a step in flight recorded in document `doc`; none for an abandoned one (it is being cancelled). */
function launchWaits(step: Step, doc: string, places: Places): LaunchWaits {
  const parked = step.status === 'INTENDED' && step.abandoned !== true;
  return {
    ...(step.queued && isQueued(step)
      ? { queued: queuedView(step.queued, places.get(placeKey(doc, step.jobName))) }
      : {}),
    ...(step.quotaWait && parked
      ? { quotaWait: { dueAt: step.quotaWait.dueAt, waits: step.quotaWait.waits } }
      : {}),
  };
}

function stepView(step: Step, waits: LaunchWaits = {}, prices = DEFAULT_PRICE_TABLE): StepView {
  const cost = stepCost(step, prices);
  const url = consoleUrl(step);
  const seconds = stepSeconds(step);
  return {
    state: step.state,
    ...(step.scope ? { scope: step.scope } : {}),
    attempt: step.attempt,
    status: step.status,
    jobName: step.jobName,
    ...(step.jobId !== undefined ? { jobId: step.jobId } : {}),
    location: step.location,
    intendedAt: step.intendedAt,
    ...(step.launchedAt !== undefined ? { launchedAt: step.launchedAt } : {}),
    ...(step.endedAt !== undefined ? { endedAt: step.endedAt } : {}),
    ...(step.jobState !== undefined ? { jobState: step.jobState } : {}),
    ...(step.error ? { error: step.error } : {}),
    ...(step.abandoned ? { abandoned: true as const } : {}),
    ...waits,
    ...cost,
    ...(url !== undefined ? { consoleUrl: url } : {}),
    ...(seconds !== undefined ? { durationSeconds: seconds } : {}),
  };
}

function scopeView(scope: string, frame: Frame): ScopeView {
  const children = frame.children;
  return {
    scope,
    state: frame.state,
    wait: frame.wait,
    attempt: frame.attempt,
    enteredTime: frame.enteredTime,
    ...(frame.jobName !== undefined ? { jobName: frame.jobName } : {}),
    ...(frame.wait === 'items' && frame.reader
      ? { reading: `${frame.reader.request.resource} ${describeRead(frame.reader.request)}` }
      : {}),
    ...(children
      ? {
          children: {
            total: children.total,
            started: children.started,
            running: children.running,
            failed: children.failed,
          },
        }
      : {}),
  };
}

/**
 * The run as `dfchain status` shows it. `history` must be read after `run`: a step that ends
 * between the two reads is then in both (never in neither), and the history's ended copy wins.
 * `places` gives waiters their place in line (see readAdmission); without it none is shown.
 */
export function runView(
  run: Run,
  history: readonly Step[] = [],
  parts: readonly Run[] = [],
  places: Places = new Map(),
  prices: PriceTable = DEFAULT_PRICE_TABLE,
): RunView {
  // One row per job, by one rule: an ended copy wins over an in-flight one (the history is read
  // after the run, so its copy is the newer), and of two ended copies the first read stays. A
  // part's ended steps are in its own document (Run.ended), not in the run's history.
  const byName = new Map<string, Step>();
  for (const step of [...history, ...parts.flatMap((part) => part.ended ?? [])]) {
    if (!byName.has(step.jobName)) byName.set(step.jobName, step);
  }
  const all = [...byName.values()].sort((a, b) => (a.endedAt ?? '').localeCompare(b.endedAt ?? ''));
  const ended = new Set(byName.keys());
  // A Map item's steps, scopes and timers are in its part; they show as the run's.
  const docs = [run, ...parts.filter((part) => part.status === 'RUNNING' || isUnsettled(part))];
  const live = docs
    .flatMap((doc) => Object.values(doc.steps).map((step) => ({ doc: doc.id, step })))
    .filter(({ step }) => !ended.has(step.jobName))
    .sort((a, b) => a.step.intendedAt.localeCompare(b.step.intendedAt));
  const running = run.status === 'RUNNING';
  const total = runCost(all, prices);
  return {
    id: run.id,
    chain: run.chain,
    status: run.status,
    input: run.input,
    ...(run.output !== undefined ? { output: run.output } : {}),
    ...(run.error ? { error: run.error } : {}),
    startTime: run.startTime,
    ...(run.endTime !== undefined ? { endTime: run.endTime } : {}),
    ...(run.redriveCount ? { redriveCount: run.redriveCount } : {}),
    ...(run.scheduledTime !== undefined ? { scheduledTime: run.scheduledTime } : {}),
    ...(run.queued && running
      ? { queued: queuedView(run.queued, places.get(placeKey(run.id))) }
      : {}),
    steps: [
      ...all.map((step) => stepView(step, {}, prices)),
      ...live.map(({ doc, step }) => stepView(step, launchWaits(step, doc, places))),
    ],
    ...(total ? { total } : {}),
    ...(running
      ? {
          scopes: docs
            .flatMap((doc) => Object.entries(doc.frames ?? {}))
            .sort(([a], [b]) => compareScopes(a, b))
            .map(([scope, frame]) => scopeView(scope, frame)),
          timers: docs
            .flatMap((doc) => Object.entries(doc.timers ?? {}))
            .map(([name, t]) => ({
              name,
              kind: t.kind,
              ...(t.scope ? { scope: t.scope } : {}),
              state: t.state,
              attempt: t.attempt,
              dueAt: t.dueAt,
            }))
            .sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.name.localeCompare(b.name)),
        }
      : {}),
  };
}

/** Columns padded to their widest cell, two spaces apart. */
export function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((cells) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd(),
  );
}

/** A step's VCPU-H and COST USD cells: `-` in flight, `?` ended without metrics. */
function stepCostCells(step: StepView): string[] {
  if (step.usage !== undefined && step.cost !== undefined) {
    return [vcpuHours(step.usage), `${step.cost.toFixed(4)}${step.flexrs ? ' (FlexRS)' : ''}`];
  }
  return step.endedAt === undefined ? ['-', '-'] : ['?', '?'];
}

/** Longest output shown in the human view; `--json` shows all of it. */
const OUTPUT_SHOWN = 200;

function waitingFor(scope: ScopeView): string {
  if (scope.wait === 'job') return scope.jobName ? `job ${scope.jobName}` : 'job';
  if (scope.wait === 'children' && scope.children) {
    const { running, total, failed } = scope.children;
    return `children (${running} of ${total} running${failed > 0 ? `, ${failed} failed` : ''})`;
  }
  if (scope.wait === 'timer') return 'timer (Wait)';
  if (scope.wait === 'items' && scope.reading) return `items (${scope.reading})`;
  return scope.wait;
}

/**
 * The human view: a status line, the run's place in line if it waits to begin, the error or
 * output, one row per step (ended, then in flight; a LAUNCH column when one waits for a slot or
 * a quota retry), then for a running run the state each scope waits in and the pending timers.
 * `-` is the top scope (the run itself) or a job id not known yet. `runSlots` is the chain's
 * MaxConcurrentRuns, for a queued run's line (the JSON leaves it out: the definition has it).
 */
export function renderRun(view: RunView, runSlots?: number): string[] {
  const lines = [
    `run ${view.id}  chain ${view.chain}  ${view.status}  started ${view.startTime}${view.endTime ? `  ended ${view.endTime}` : ''}${view.redriveCount ? `  redriven ${view.redriveCount}x` : ''}`,
  ];
  if (view.scheduledTime) lines.push(`scheduled for ${view.scheduledTime}`);
  if (view.queued) lines.push(queuedRunLine(view.chain, view.queued, runSlots));
  if (view.error) lines.push(`error ${view.error.Error}: ${view.error.Cause}`);
  if (view.output !== undefined) {
    const text = JSON.stringify(view.output);
    lines.push(
      `output ${text.length > OUTPUT_SHOWN ? `${text.slice(0, OUTPUT_SHOWN)}… (--json shows all)` : text}`,
    );
  }
  const notes = view.steps.map(launchNote);
  // The column only when a step waits: most runs never do, and their rows stay as narrow.
  const launch = notes.some((note) => note !== '');
  // Cost columns once a step recorded usage; `?` for an ended step without metrics.
  const costs = view.total !== undefined;
  lines.push(
    ...table([
      [
        'SCOPE',
        'STATE',
        'STATUS',
        'JOB NAME',
        'JOB ID',
        'LOCATION',
        'DURATION',
        ...(costs ? ['VCPU-H', 'COST USD'] : []),
        ...(launch ? ['LAUNCH'] : []),
      ],
      ...view.steps.map((s, i) => [
        s.scope ?? '-',
        s.state,
        s.status,
        s.jobName,
        s.jobId ?? '-',
        s.location,
        s.durationSeconds === undefined ? '-' : duration(s.durationSeconds * 1000),
        ...(costs ? stepCostCells(s) : []),
        ...(launch ? [notes[i] ?? ''] : []),
      ]),
    ]),
  );
  if (view.total) lines.push(runCostLine(view.total));
  // The jobs worth opening: those running and those that failed (a Map may have thousands).
  const open = view.steps.filter(
    (s) => s.consoleUrl !== undefined && (s.status === 'LAUNCHED' || s.status === 'FAILED'),
  );
  if (open.length > 0) {
    lines.push(
      '',
      ...open.map((s) => `console  ${s.scope ? `${s.scope}/` : ''}${s.state}  ${s.consoleUrl}`),
    );
  }
  if (view.schedule) {
    lines.push(
      '',
      `schedule ${JSON.stringify(view.schedule.cron)} in ${view.schedule.timeZone}, next: ${view.schedule.next.join(', ') || 'none'}`,
    );
  }
  if (view.scopes && view.scopes.length > 0) {
    lines.push(
      '',
      ...table([
        ['SCOPE', 'STATE', 'WAITING FOR', 'ATTEMPT', 'SINCE'],
        ...view.scopes.map((s) => [
          s.scope || '-',
          s.state,
          waitingFor(s),
          String(s.attempt),
          s.enteredTime,
        ]),
      ]),
    );
  }
  if (view.timers && view.timers.length > 0) {
    lines.push(
      '',
      ...table([
        ['TIMER', 'KIND', 'SCOPE', 'STATE', 'ATTEMPT', 'DUE'],
        ...view.timers.map((t) => [
          t.name,
          t.kind,
          t.scope ?? '-',
          // A run's own timers (a Deadline) belong to no state.
          t.state || '-',
          String(t.attempt),
          t.dueAt,
        ]),
      ]),
    );
  }
  return lines;
}

/** What `dfchain status` prints. */
export interface StatusOptions {
  /** One JSON object ({@link RunView}) instead of the human view. */
  readonly json: boolean;
  /**
   * `--graph`: the Mermaid flowchart of the run's own (stored) definition, states coloured by
   * status, after the human view (a blank line between) or as the JSON's `graph` field.
   */
  readonly graph?: boolean;
  /** Where the store's reads go, for the line a failed read prints (default: Firestore per the environment). */
  readonly endpoint?: Endpoint;
  readonly projectId?: string;
  /** Prices of the cost estimate (default DEFAULT_PRICE_TABLE; docs/cost.md). */
  readonly prices?: PriceTable;
}

/** The line `dfchain status` prints when the store has no run of that id. */
export function noRunLine(runId: string, endpoint: Endpoint): string {
  return `dfchain status: no run "${runId}" in ${endpointText(endpoint)}: check the run id, GOOGLE_CLOUD_PROJECT${endpoint.emulator ? ' and FIRESTORE_EMULATOR_HOST' : ' and DFCHAIN_FIRESTORE_DATABASE'}`;
}

/** Everything `dfchain status` reads, in the order {@link runView} needs. */
interface Read {
  readonly run: Run;
  readonly view: RunView;
  readonly runSlots: number | undefined;
  readonly parts: readonly Run[];
  /** Read for `--graph` only; undefined too when the store lacks it. */
  readonly definition: ChainDefinition | undefined;
}

/**
 * `dfchain status RUN_ID [--json] [--graph]`: reads the run, then its parts and its history (one
 * read each, in that order: see {@link runView}), then the place in line of each waiter (and,
 * with `--graph`, the run's stored definition), and prints them. Exit 1 when the run does not
 * exist or the store cannot be read, with one line on `err` (so stdout stays empty or JSON), and
 * with `--graph` when the store lacks the run's definition (the view is printed without the
 * graph); 2 when it FAILED, else 0. The reads have CLI_DEADLINE_MS.
 */
export async function statusCommand(
  store: RunStore,
  runId: string,
  options: StatusOptions,
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  const endpoint = options.endpoint ?? endpointOf('firestore');
  let read: Read | undefined;
  try {
    read = await withDeadline(readRun(store, runId, options.graph === true, options.prices));
  } catch (error) {
    const projectId = options.projectId ?? process.env['GOOGLE_CLOUD_PROJECT'] ?? '(unset)';
    err(failureLine(error, { command: 'status', endpoint, projectId }));
    return 1;
  }
  if (!read) {
    err(noRunLine(runId, endpoint));
    return 1;
  }
  const { definition } = read;
  const graph =
    options.graph === true && definition
      ? statusGraph(definition, read.view, read.parts)
      : undefined;
  if (options.json) out(JSON.stringify(graph === undefined ? read.view : { ...read.view, graph }));
  else {
    renderRun(read.view, read.runSlots).forEach((line) => out(line));
    if (graph !== undefined) out(`\n${graph}`);
  }
  if (options.graph === true && graph === undefined) {
    err(
      `dfchain status: no graph: the run's definition (hash ${read.run.definitionHash}) is not in the store`,
    );
    return 1;
  }
  return read.run.status === 'FAILED' ? 2 : 0;
}

/**
 * A run's documents in the order {@link runView} needs: the run, then its parts, then its
 * history, so a step that ends meanwhile shows in both, never in neither. Undefined: no run.
 */
export async function readRunDocs(
  store: RunStore,
  runId: string,
): Promise<{ run: Run; parts: Run[]; history: Step[] } | undefined> {
  const run = await store.get(runId);
  if (!run) return undefined;
  const parts = await store.parts(runId);
  const history = await store.history(runId);
  return { run, parts, history };
}

async function readRun(
  store: RunStore,
  runId: string,
  graph: boolean,
  prices?: PriceTable,
): Promise<Read | undefined> {
  const docs = await readRunDocs(store, runId);
  if (!docs) return undefined;
  const { run, parts, history } = docs;
  // Places are read after the documents that record the waiters: one admitted in between still
  // shows, counted behind those still ahead of it; the next status shows it admitted.
  const { places, runSlots } = await readAdmission(store, run, parts);
  // The run's own definition: the chain file may have changed since the run started. Read for
  // --graph, and for the next fire times of a scheduled run's chain.
  const wanted = graph || run.scheduledTime !== undefined;
  const definition = wanted ? await store.getDefinition(run.definitionHash) : undefined;
  const schedule = scheduleView(definition, new Date());
  const view = {
    ...runView(run, history, parts, places, prices),
    ...(schedule !== undefined ? { schedule } : {}),
  };
  return { run, view, runSlots, parts, definition: graph ? definition : undefined };
}
