import { dynamicEntries, parseCached, resolveParameters } from '../chain/parameters.js';
import { evaluateExpression, evaluatePath, parsePath } from '../chain/paths.js';
import { mapProcessor, type ChainDefinition, type State, type TaskState } from '../chain/types.js';
import type { JobRef } from '../dataflow/job.js';
import { contextObject, type MapItem } from '../engine/context.js';
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

/** What {@link resolveTasks} resolves with. */
export interface TaskInputOptions {
  readonly chain: string;
  readonly definition: ChainDefinition;
  /** The run's input (`--input`), taken as the input of every state. */
  readonly input: JsonObject;
  readonly projectId: string;
  /** `$$.Execution.StartTime` and `$$.State.EnteredTime`; default now. */
  readonly now?: string;
}

/** Why a scope's input is unknown: every Task inside it gets this warning. */
interface Blocked {
  readonly path: string;
  readonly why: string;
}

const detail = (error: unknown): string => (error instanceof Error ? error.message : String(error));

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
  const { chain, definition, input, projectId } = options;
  const now = options.now ?? new Date().toISOString();
  const run = { id: DRY_RUN_ID, input, startTime: now, chain };
  const context = (state: string, item?: MapItem): Json => contextObject(run, state, now, 0, item);
  const found: TaskResolution[] = [];

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
  /** A payload template resolved, or each of its `.$` entries that does not resolve. */
  const template = (
    fields: JsonObject,
    value: Json,
    at: Json,
    place: string,
  ): JsonObject | UnresolvedPlace[] => {
    const failures: UnresolvedPlace[] = [];
    for (const entry of dynamicEntries(fields, place)) {
      if (typeof entry.value !== 'string') continue; // the local validation refuses it
      try {
        evaluateExpression(parseCached(entry.value), value, at);
      } catch (error) {
        failures.push(unresolved(entry.place, entry.value, detail(error)));
      }
    }
    if (failures.length > 0) return failures;
    try {
      return resolveParameters(fields, value, at, place);
    } catch (error) {
      return [unresolved(place, place, detail(error))];
    }
  };
  const isBlocked = (value: unknown): value is Blocked =>
    typeof value === 'object' && value !== null && 'why' in value && 'path' in value;

  const walk = (
    states: Readonly<Record<string, State>>,
    scope: string,
    scopeInput: Json | Blocked,
  ): void => {
    for (const [name, state] of Object.entries(states)) {
      const place = scope === '' ? `States.${name}` : `${scope}.States.${name}`;
      if (isBlocked(scopeInput)) {
        if (state.Type === 'Task') found.push(unresolved(place, scopeInput.path, scopeInput.why));
        else if (state.Type === 'Parallel')
          state.Branches.forEach((b, i) => walk(b.States, `${place}.Branches[${i}]`, scopeInput));
        else if (state.Type === 'Map')
          walk(mapProcessor(state).States, processorPlace(place, state), scopeInput);
        continue;
      }
      const at = context(name);
      if (state.Type === 'Task') {
        const stateInput = select(state.InputPath, scopeInput, at);
        if (isBlocked(stateInput)) {
          found.push(unresolved(`${place}.InputPath`, stateInput.path, stateInput.why));
          continue;
        }
        const parameters = template(
          state.Parameters as unknown as JsonObject,
          stateInput,
          at,
          `${place}.Parameters`,
        );
        if (Array.isArray(parameters)) found.push(...parameters);
        else {
          const location = state.Region ?? definition.Defaults?.Region ?? '';
          found.push({
            kind: 'resolved',
            place,
            name,
            state,
            ref: { projectId, location },
            parameters,
          });
        }
      } else if (state.Type === 'Parallel') {
        const branchInput = effectiveInput(
          state.InputPath,
          state.Parameters,
          scopeInput,
          at,
          place,
        );
        state.Branches.forEach((b, i) => walk(b.States, `${place}.Branches[${i}]`, branchInput));
      } else if (state.Type === 'Map') {
        walk(
          mapProcessor(state).States,
          processorPlace(place, state),
          firstItem(state, place, scopeInput, at, name),
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
    const resolved = template(parameters, selected, at, `${place}.Parameters`);
    if (!Array.isArray(resolved)) return resolved;
    return blockedBy(resolved, place);
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
    const resolved = template(
      selector,
      selected,
      context(name, { index: 0, value: item }),
      `${place}.${field}`,
    );
    if (!Array.isArray(resolved)) return resolved;
    return blockedBy(resolved, place);
  };

  walk(definition.States, '', input);
  return found;
}

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
