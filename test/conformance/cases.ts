import { strict as assert } from 'node:assert';
import type { ChainDefinition } from '../../src/chain/types.js';
import { chainProblems } from '../../src/chain/validate.js';
import type { RunEvent } from '../../src/engine/transition.js';
import type { Step } from '../../src/engine/run.js';
import type { Json, JsonObject } from '../../src/json.js';
import { T0, runChain, type JobOutcome, type Outcomes, type RunResult } from './harness.js';
import { launchOf } from '../unit/launch-of.js';

/**
 * Table-driven conformance cases: a chain definition, its input and how its jobs end, and what
 * the run must come to (status and output, or status and error), plus optional checks on what
 * the engine did (launched steps, events, simulated seconds). Every definition is first checked
 * by dfchain's own validator, so each case is a chain dfchain accepts.
 */

/** An expected error: the name exactly; the cause exactly (string), by pattern, or not at all. */
export interface ExpectedError {
  readonly Error: string;
  readonly Cause?: string | RegExp;
}

interface CaseBase {
  /** What the case checks: its title in the report. One `it:` line per case (`grep -c`). */
  readonly it: string;
  readonly definition: JsonObject;
  readonly input?: JsonObject;
  readonly outcomes?: Outcomes;
  /** Further assertions on the whole result. */
  readonly check?: (result: RunResult) => void;
}

/** An expected output, or how to compute it from the result (for job names and ids). */
export type ExpectedOutput = Json | ((result: RunResult) => Json);

/** One conformance case: it ends SUCCEEDED with `output`, or FAILED with `error`. */
export type ConformanceCase =
  | (CaseBase & { readonly output: ExpectedOutput; readonly error?: never })
  | (CaseBase & { readonly error: ExpectedError; readonly output?: never });

/** Runs one case's chain and checks it. */
export function verify(c: ConformanceCase): RunResult {
  assert.deepEqual(chainProblems(c.definition), [], 'the case is a valid dfchain chain');
  const result = runChain(c.definition as unknown as ChainDefinition, c.input ?? {}, c.outcomes);
  if (c.error !== undefined) {
    assert.equal(
      result.status,
      'FAILED',
      `expected FAILED, got ${result.status} with ${JSON.stringify(result.output)}`,
    );
    assert.equal(result.error?.Error, c.error.Error, `error: ${JSON.stringify(result.error)}`);
    if (typeof c.error.Cause === 'string') assert.equal(result.error?.Cause, c.error.Cause);
    else if (c.error.Cause !== undefined) assert.match(result.error?.Cause ?? '', c.error.Cause);
  } else {
    assert.equal(
      result.status,
      'SUCCEEDED',
      `expected SUCCEEDED, got ${result.status}: ${JSON.stringify(result.error)}`,
    );
    const expected = typeof c.output === 'function' ? c.output(result) : c.output;
    assert.deepEqual(result.output, expected);
  }
  c.check?.(result);
  return result;
}

/** Registers one mocha test per case. */
export function runCases(cases: readonly ConformanceCase[]): void {
  for (const c of cases) {
    it(c.it, () => {
      verify(c);
    });
  }
}

/** A definition whose StartAt is the first state given. */
export function chain(states: Record<string, JsonObject>, extra: JsonObject = {}): JsonObject {
  const first = Object.keys(states)[0];
  assert.ok(first !== undefined, 'a chain needs a state');
  return { StartAt: first, States: states, ...extra };
}

/** A branch (Parallel) or item processor (Map) whose StartAt is its first state. */
export function branch(states: Record<string, JsonObject>): JsonObject {
  return chain(states);
}

/** A Pass state: `End: true` unless `next`. */
export function pass(next?: string, extra: JsonObject = {}): JsonObject {
  return { Type: 'Pass', ...(next === undefined ? { End: true } : { Next: next }), ...extra };
}

/** Jobs of the states named end as given; every other job ends DONE. */
export function byState(outcomes: Record<string, JobOutcome>): Outcomes {
  return (step: Step) => outcomes[step.state] ?? 'DONE';
}

/** Jobs of `state` end `outcome` on the attempts listed (0 is the first try); others DONE. */
export function onAttempts(
  state: string,
  attempts: readonly number[],
  outcome: JobOutcome = 'FAILED',
): Outcomes {
  return (step: Step) =>
    step.state === state && attempts.includes(step.attempt) ? outcome : 'DONE';
}

/** The most jobs the run had running at once, from its job.launched and job.confirmed events. */
export function maxRunning(events: readonly RunEvent[]): number {
  let running = 0;
  let most = 0;
  for (const e of events) {
    if (e.event === 'job.launched') most = Math.max(most, ++running);
    else if (e.event === 'job.confirmed') running--;
  }
  return most;
}

/** Seconds after T0 at which each retry was due, from the state.retrying events, in order. */
export function retryDueSeconds(events: readonly RunEvent[]): number[] {
  return events
    .filter((e) => e.event === 'state.retrying')
    .map((e) => (Date.parse(e.dueAt ?? '') - Date.parse(T0)) / 1000);
}

/** Events of one kind. */
export function eventsOf(events: readonly RunEvent[], name: RunEvent['event']): RunEvent[] {
  return events.filter((e) => e.event === name);
}

/** The states of the launched steps, in launch order. */
export function launchedStates(result: RunResult): string[] {
  return result.launched.map((s) => s.state);
}

/** The Dataflow `parameters` a launched step sent (string values, as Dataflow takes them). */
export function launchParameters(step: Step | undefined): Record<string, string> | undefined {
  return launchOf(step?.request)?.parameters;
}

/** Asserts a whole table holds at least `least` cases, and reports its size. */
export function countCases(name: string, cases: readonly ConformanceCase[], least: number): void {
  it(`${name}: ${cases.length} cases (at least ${least})`, () => {
    assert.ok(cases.length >= least, `${name} has ${cases.length} cases`);
  });
}
