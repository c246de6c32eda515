import { dynamicEntries, parseCached, resolveParameters } from '../chain/parameters.js';
import {
  evaluateExpression,
  evaluatePath,
  parsePath,
  setOwn,
  type Expression,
} from '../chain/paths.js';
import { mapProcessor, type ChainDefinition, type State, type TaskState } from '../chain/types.js';
import type { JobRef } from '../dataflow/job.js';
import { contextObject, type MapItem } from '../engine/context.js';
import { tokenPlaceholder } from '../engine/publish-request.js';
import { JOB_NAME_SUFFIX_LENGTH } from '../chain/job-name.js';
import { stepPrefix, waitsForTaskToken } from '../chain/resources.js';
import { childScopeOf, entryKey } from '../engine/names.js';
import type { Json, JsonObject } from '../json.js';

/** The run id a dry run names its requests with (labels, job name): no run has it. */
export const DRY_RUN_ID = 'dfchain-validate';

/** A Task whose Parameters resolved against the input: what its launch would send. */
export interface ResolvedTask {
  readonly kind: 'resolved';
  /** Chain path of the Task, such as `States.Fan.Branches[0].States.Load`. */
  readonly place: string;
  /** The state's name, for its labels. */
  readonly name: string;
  readonly state: TaskState;
  readonly ref: JobRef;
  /** The Task's Parameters, resolved. */
  readonly parameters: JsonObject;
}

/** A place whose value depends on what the run does first: a warning, not a refusal. */
export interface UnresolvedPlace {
  readonly kind: 'unresolved';
  /** Chain path of what cannot be resolved, such as `States.Load.Parameters.parameters.day.$`. */
  readonly place: string;
  /** The path or intrinsic that does not resolve. */
  readonly path: string;
  /** Why, as the engine would say it at run time. */
  readonly why: string;
  /** `cannot resolve without running: <path> (<why>)`. */
  readonly message: string;
}

/** What resolving one Task found. */
export type TaskResolution = ResolvedTask | UnresolvedPlace;

/**
 * One Task as the run would launch it, resolved as far as the input allows: each `.$` that
 * cannot be resolved without running holds its {@link unresolvedMarker} instead of a value.
 */
export interface TaskView {
  /** Chain path of the Task, such as `States.Fan.Branches[0].States.Load`. */
  readonly place: string;
  readonly name: string;
  /**
   * The engine's scope path of the branch or item that runs it, `''` at the top level: `Fan[0]`,
   * or `Each[0]` for a Map's first item (the one resolved).
   */
  readonly scope: string;
  /** The scope as shown: a Map's items as `[*]` (`Each[*]`), since each item runs the Task. */
  readonly shownScope: string;
  readonly state: TaskState;
  readonly ref: JobRef;
  /** The Task's Parameters, resolved, markers in the places that do not resolve. */
  readonly parameters: JsonObject;
  /** What does not resolve, exactly as {@link resolveTasks} reports it (empty when resolved). */
  readonly unresolved: readonly UnresolvedPlace[];
}

/** What {@link resolveTasks} resolves with. */
export interface TaskInputOptions {
  readonly chain: string;
  readonly definition: ChainDefinition;
  /** The run's input (`--input`), taken as the input of every state. */
  readonly input: JsonObject;
  readonly projectId: string;
  /** `$$.Execution.StartTime` and `$$.State.EnteredTime`; default now. */
  readonly now?: string;
  /** `$$.Execution.Id` and `.Name`; default {@link DRY_RUN_ID}. */
  readonly runId?: string;
}

/** Why a scope's input is unknown: every Task inside it gets this warning. */
interface Blocked {
  readonly path: string;
  readonly why: string;
}

const detail = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** What a request holds in place of a value known only when the run gets there. */
export function unresolvedMarker(path: string, why: string): string {
  return `<unresolved: ${path} (${why})>`;
}

/** True when the expression reads the state input (`$…`), not only the context or literals. */
function readsInput(expression: Expression): boolean {
  if (expression.kind === 'path') return expression.root === '$';
  return expression.args.some((arg) => arg.kind !== 'literal' && readsInput(arg));
}

/** `template` with each `.$` entry whose place is in `marks` turned into a field holding its marker. */
function marked(node: Json, at: string, marks: ReadonlyMap<string, string>): Json {
  if (Array.isArray(node)) return node.map((item, i) => marked(item, `${at}[${i}]`, marks));
  if (node === null || typeof node !== 'object') return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    const here = `${at}.${key}`;
    const mark = marks.get(here);
    if (mark !== undefined) setOwn(out, key.slice(0, -2), mark);
    else setOwn(out, key, key.endsWith('.$') ? value : marked(value, here, marks));
  }
  return out;
}

const unresolved = (place: string, path: string, why: string): UnresolvedPlace => ({
  kind: 'unresolved',
  place,
  path,
  why,
  message: `cannot resolve without running: ${path} (${why})`,
});

/**
 * Resolves every Task of a chain, those in Parallel branches and Map item processors included,
 * with the engine's own data flow (InputPath, payload templates, intrinsics, `$$`). Without
 * running the chain, the state input is not known: `input` stands for the input of every state
 * of the chain, of each Parallel branch (after the Parallel's InputPath and Parameters) and, in
 * a Map, the first item (after ItemsPath and ItemSelector). A `.$` that reads what an earlier
 * state produced then does not resolve: that place is reported as unresolved, never as wrong.
 */
export function resolveTasks(options: TaskInputOptions): TaskResolution[] {
  return taskViews(options).flatMap((view): TaskResolution[] => {
    if (view.unresolved.length > 0) return [...view.unresolved];
    const { place, name, state, ref, parameters } = view;
    return [{ kind: 'resolved', place, name, state, ref, parameters }];
  });
}

/**
 * Every Task of a chain in chain order, resolved as {@link resolveTasks} resolves it, with what
 * does not resolve marked in its Parameters ({@link unresolvedMarker}) rather than left out:
 * a `.$` whose scope input is unknown (a Parallel's Parameters or a Map's items that do not
 * resolve, an ItemReader) is marked when it reads `$`, and resolved when it reads only `$$`.
 */
export function taskViews(options: TaskInputOptions): TaskView[] {
  const { chain, definition, input, projectId } = options;
  const now = options.now ?? new Date().toISOString();
  const run = { id: options.runId ?? DRY_RUN_ID, input, startTime: now, chain };
  const context = (state: string, item?: MapItem): Json => contextObject(run, state, now, 0, item);
  // A waiting Task's $$.Task.Token: the placeholder the function replaces when it publishes.
  const taskContext = (name: string, state: TaskState): Json => {
    const step = `${stepPrefix(state.Resource, state.Parameters.jobName)}-<${JOB_NAME_SUFFIX_LENGTH} hex>`;
    const token = waitsForTaskToken(state.Resource) ? tokenPlaceholder(step) : undefined;
    return contextObject(run, name, now, 0, undefined, token);
  };
  const found: TaskView[] = [];

  /** A path or intrinsic's value, or why it cannot be known. */
  const select = (text: string | null | undefined, value: Json, at: Json): Json | Blocked => {
    // ASL: an absent path keeps the value, `null` gives `{}`.
    if (text === undefined) return value;
    if (text === null) return {};
    try {
      return evaluatePath(parsePath(text), value, at);
    } catch (error) {
      return { path: text, why: detail(error) };
    }
  };
  /**
   * A payload template resolved, markers in place of the `.$` entries that do not resolve, and
   * those entries. With an unknown input (`Blocked`), the entries that read `$` are marked with
   * why the input is unknown, and are not among the failures (the caller reports the input).
   */
  const template = (
    fields: JsonObject,
    value: Json | Blocked,
    at: Json,
    place: string,
  ): { resolved: JsonObject; failures: UnresolvedPlace[] } => {
    const failures: UnresolvedPlace[] = [];
    const marks = new Map<string, string>();
    const known = isBlocked(value) ? null : value;
    for (const entry of dynamicEntries(fields, place)) {
      if (typeof entry.value !== 'string') continue; // the local validation refuses it
      try {
        const expression = parseCached(entry.value);
        if (isBlocked(value) && readsInput(expression)) {
          marks.set(entry.place, unresolvedMarker(value.path, value.why));
          continue;
        }
        evaluateExpression(expression, known, at);
      } catch (error) {
        const failure = unresolved(entry.place, entry.value, detail(error));
        marks.set(entry.place, unresolvedMarker(failure.path, failure.why));
        if (!isBlocked(value)) failures.push(failure);
      }
    }
    const fill = marked(fields, place, marks) as JsonObject;
    try {
      return { resolved: resolveParameters(fill, known, at, place), failures };
    } catch (error) {
      // Only a value too deep to pass on gets here: the template is shown as written.
      const failed = failures.length > 0 ? failures : [unresolved(place, place, detail(error))];
      return { resolved: fill, failures: failed };
    }
  };

  const walk = (
    states: Readonly<Record<string, State>>,
    place0: string,
    scope: { readonly engine: string; readonly shown: string },
    scopeInput: Json | Blocked,
  ): void => {
    for (const [name, state] of Object.entries(states)) {
      const place = place0 === '' ? `States.${name}` : `${place0}.States.${name}`;
      // Branch i of a state entered once, first attempt: `Fan[0]`, as the engine names it.
      const child = (index: number, shown = String(index)) => ({
        engine: childScopeOf(entryKey(scope.engine, name, 0), 0, index),
        shown: `${entryKey(scope.shown, name, 0)}[${shown}]`,
      });
      const at = state.Type === 'Task' ? taskContext(name, state) : context(name);
      if (state.Type === 'Task') {
        const view = (parameters: JsonObject, failures: readonly UnresolvedPlace[]): TaskView => ({
          place,
          name,
          scope: scope.engine,
          shownScope: scope.shown,
          state,
          ref: { projectId, location: state.Region ?? definition.Defaults?.Region ?? '' },
          parameters,
          unresolved: failures,
        });
        const fields = state.Parameters as unknown as JsonObject;
        const params = `${place}.Parameters`;
        if (isBlocked(scopeInput)) {
          const { resolved } = template(fields, scopeInput, at, params);
          found.push(view(resolved, [unresolved(place, scopeInput.path, scopeInput.why)]));
          continue;
        }
        const stateInput = select(state.InputPath, scopeInput, at);
        if (isBlocked(stateInput)) {
          const { resolved } = template(fields, stateInput, at, params);
          const failure = unresolved(`${place}.InputPath`, stateInput.path, stateInput.why);
          found.push(view(resolved, [failure]));
          continue;
        }
        const { resolved, failures } = template(fields, stateInput, at, params);
        found.push(view(resolved, failures));
      } else if (state.Type === 'Parallel') {
        const branchInput = isBlocked(scopeInput)
          ? scopeInput
          : effectiveInput(state.InputPath, state.Parameters, scopeInput, at, place);
        state.Branches.forEach((b, i) =>
          walk(b.States, `${place}.Branches[${i}]`, child(i), branchInput),
        );
      } else if (state.Type === 'Map') {
        walk(
          mapProcessor(state).States,
          processorPlace(place, state),
          { engine: child(0).engine, shown: child(0, '*').shown },
          isBlocked(scopeInput) ? scopeInput : firstItem(state, place, scopeInput, at, name),
        );
      }
    }
  };

  /** A Parallel's input after its InputPath and Parameters, the input of each branch. */
  const effectiveInput = (
    inputPath: string | null | undefined,
    parameters: JsonObject | undefined,
    value: Json,
    at: Json,
    place: string,
  ): Json | Blocked => {
    const selected = select(inputPath, value, at);
    if (isBlocked(selected) || parameters === undefined) return selected;
    const { resolved, failures } = template(parameters, selected, at, `${place}.Parameters`);
    return failures.length === 0 ? resolved : blockedBy(failures, place);
  };

  /** The input of a Map's first item, as its item processor receives it. */
  const firstItem = (
    state: Extract<State, { Type: 'Map' }>,
    place: string,
    value: Json,
    at: Json,
    name: string,
  ): Json | Blocked => {
    if (Object.hasOwn(state, 'ItemReader')) {
      return { path: `${place}.ItemReader`, why: 'the Map reads its items when it runs' };
    }
    const selected = select(state.InputPath, value, at);
    if (isBlocked(selected)) return selected;
    const itemsPath = state.ItemsPath ?? '$';
    const items = select(itemsPath, selected, at);
    if (isBlocked(items)) return { path: itemsPath, why: `the items of ${place}: ${items.why}` };
    if (!Array.isArray(items) || items.length === 0) {
      return {
        path: itemsPath,
        why: `the items of ${place}: the input gives ${Array.isArray(items) ? 'no items' : 'no array'} there; pass an --input with at least one item`,
      };
    }
    const item = items[0] ?? null;
    const selector = state.ItemSelector ?? state.Parameters;
    if (selector === undefined) return item;
    const field = state.ItemSelector !== undefined ? 'ItemSelector' : 'Parameters';
    const { resolved, failures } = template(
      selector,
      selected,
      context(name, { index: 0, value: item }),
      `${place}.${field}`,
    );
    return failures.length === 0 ? resolved : blockedBy(failures, place);
  };

  walk(definition.States, '', { engine: '', shown: '' }, input);
  return found;
}

const isBlocked = (value: unknown): value is Blocked =>
  typeof value === 'object' && value !== null && 'why' in value && 'path' in value;

/** Why a scope's input is unknown, from the first `.$` of its template that does not resolve. */
function blockedBy(failures: readonly UnresolvedPlace[], place: string): Blocked {
  const first = failures[0];
  return first === undefined
    ? { path: place, why: 'does not resolve' }
    : { path: first.path, why: `${first.place}: ${first.why}` };
}

/** `States.M.ItemProcessor`, or `States.M.Iterator` for the older name. */
function processorPlace(place: string, state: Extract<State, { Type: 'Map' }>): string {
  return `${place}.${state.ItemProcessor !== undefined ? 'ItemProcessor' : 'Iterator'}`;
}
