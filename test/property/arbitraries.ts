import { createHash } from 'node:crypto';
import fc from 'fast-check';
import type {
  Catcher,
  ChainDefinition,
  ChoiceRule,
  Retrier,
  State,
} from '../../src/chain/types.js';
import type { Step } from '../../src/engine/run.js';
import type { Json, JsonObject } from '../../src/json.js';
import type { JobOutcome, Outcomes } from '../conformance/harness.js';

/**
 * Random valid chains, as shapes first (plain data that shrinks well), then built into chain
 * definitions with names drawn from one counter, so state names and jobName prefixes are unique
 * in the whole chain.
 *
 * The data flow keeps every state's input an object with `n` (a number) and `items` (an array
 * of such objects): Tasks, Parallels and Maps put their results at `$.out`, `$.par`, `$.map` (or
 * drop them), Catch puts the error at `$.err`, Pass at `$.p`. So no generated chain ever raises
 * `States.Runtime`: every Choice variable either always exists (`$.n`) or is only tested with
 * IsPresent, and every Map finds its `$.items`.
 */

/** Deepest scope: the root is 0, a branch or item of a root Parallel or Map is 1. */
export const MAX_DEPTH = 2;
/** Most states in any one scope. */
export const MAX_STATES_PER_SCOPE = 8;

export const ERROR_PATTERNS = [
  'States.ALL',
  'States.TaskFailed',
  'Dataflow.JobFailed',
  'Dataflow.JobCancelled',
] as const;
export type ErrorPattern = (typeof ERROR_PATTERNS)[number];

export interface RetryShape {
  readonly errors: ErrorPattern;
  readonly intervalSeconds: number;
  readonly maxAttempts: number;
  readonly backoffRate: number;
}

export interface CatchShape {
  readonly errors: ErrorPattern;
  /** A Fail handler, or a Pass handler that resumes at a later state of the scope. */
  readonly handler: 'pass' | 'fail';
  /** Which later state a Pass handler resumes at (modulo the choices). */
  readonly resume: number;
  /** `$.err` keeps the input beside the error; null drops the error. */
  readonly keepError: boolean;
}

export interface Recovery {
  readonly retry: readonly RetryShape[];
  readonly catch: CatchShape | null;
}

export type RuleTest =
  | {
      readonly op: 'IsPresent';
      readonly variable: '$.flag' | '$.out' | '$.err';
      readonly value: boolean;
    }
  | { readonly op: 'NumericEquals'; readonly value: number };

export interface RuleShape {
  readonly test: RuleTest;
  /** Which later state the rule goes to (modulo the choices). */
  readonly target: number;
}

export type NodeShape =
  | { readonly kind: 'task'; readonly recovery: Recovery; readonly keepResult: boolean }
  | { readonly kind: 'pass'; readonly result: boolean }
  | { readonly kind: 'wait'; readonly seconds: number }
  | { readonly kind: 'choice'; readonly rules: readonly RuleShape[] }
  | {
      readonly kind: 'parallel';
      readonly branches: readonly ScopeShape[];
      readonly recovery: Recovery;
      readonly keepResult: boolean;
    }
  | {
      readonly kind: 'map';
      readonly processor: ScopeShape;
      readonly maxConcurrency: number;
      /** How many failed items the Map tolerates: a count, a percentage, or none. */
      readonly tolerance: Tolerance | null;
      readonly recovery: Recovery;
      readonly keepResult: boolean;
    };

/** A Map's ToleratedFailureCount or ToleratedFailurePercentage. */
export type Tolerance =
  | { readonly kind: 'count'; readonly value: number }
  | { readonly kind: 'percentage'; readonly value: number };

const tolerance: fc.Arbitrary<Tolerance | null> = fc.oneof(
  { weight: 2, arbitrary: fc.constant(null) },
  fc.record({ kind: fc.constant('count' as const), value: fc.integer({ min: 0, max: 2 }) }),
  fc.record({
    kind: fc.constant('percentage' as const),
    value: fc.constantFrom(0, 25, 50, 100),
  }),
);

export interface ScopeShape {
  /** The states run in order (a Choice may skip ahead; none goes back). */
  readonly nodes: readonly NodeShape[];
  /** After the last node: the scope ends, or a Succeed or Fail state ends it. */
  readonly terminal: 'end' | 'succeed' | 'fail';
}

const retryShape: fc.Arbitrary<RetryShape> = fc.record({
  errors: fc.constantFrom(...ERROR_PATTERNS),
  intervalSeconds: fc.integer({ min: 1, max: 3 }),
  maxAttempts: fc.integer({ min: 0, max: 2 }),
  backoffRate: fc.constantFrom(1, 1.5, 2),
});

const catchShape: fc.Arbitrary<CatchShape> = fc.record({
  errors: fc.constantFrom(...ERROR_PATTERNS),
  handler: fc.constantFrom('pass' as const, 'fail' as const),
  resume: fc.nat({ max: 7 }),
  keepError: fc.boolean(),
});

const recovery: fc.Arbitrary<Recovery> = fc.record({
  retry: fc.array(retryShape, { maxLength: 2 }),
  catch: fc.option(catchShape, { nil: null }),
});

const ruleShape: fc.Arbitrary<RuleShape> = fc.record({
  test: fc.oneof(
    fc.record({
      op: fc.constant('IsPresent' as const),
      variable: fc.constantFrom('$.flag' as const, '$.out' as const, '$.err' as const),
      value: fc.boolean(),
    }),
    fc.record({ op: fc.constant('NumericEquals' as const), value: fc.integer({ min: 0, max: 2 }) }),
  ),
  target: fc.nat({ max: 7 }),
});

function nodeShape(depth: number): fc.Arbitrary<NodeShape> {
  const leaves: fc.WeightedArbitrary<NodeShape>[] = [
    {
      weight: 6,
      arbitrary: fc.record({
        kind: fc.constant('task' as const),
        recovery,
        keepResult: fc.boolean(),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constant('pass' as const), result: fc.boolean() }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('wait' as const),
        seconds: fc.integer({ min: 1, max: 3 }),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('choice' as const),
        rules: fc.array(ruleShape, { minLength: 1, maxLength: 2 }),
      }),
    },
  ];
  if (depth >= MAX_DEPTH) return fc.oneof(...leaves);
  const inner = scopeShape(depth + 1);
  return fc.oneof(
    ...leaves,
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('parallel' as const),
        branches: fc.array(inner, { minLength: 1, maxLength: 3 }),
        recovery,
        keepResult: fc.boolean(),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('map' as const),
        processor: inner,
        maxConcurrency: fc.integer({ min: 0, max: 3 }),
        tolerance,
        recovery,
        keepResult: fc.boolean(),
      }),
    },
  );
}

/**
 * A scope of at most 8 states: up to 4 nodes and one handler state per node (a Catch target,
 * or the Succeed a last Choice needs), or up to 3 nodes, their handlers and a terminal state.
 */
export function scopeShape(depth: number): fc.Arbitrary<ScopeShape> {
  const node = nodeShape(depth);
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({
        nodes: fc.array(node, { minLength: 1, maxLength: 4 }),
        terminal: fc.constant('end' as const),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        nodes: fc.array(node, { minLength: 1, maxLength: 3 }),
        terminal: fc.constantFrom('succeed' as const, 'fail' as const),
      }),
    },
  );
}

/** Names state and jobName prefixes from one counter: unique in the whole chain. */
class Names {
  private count = 0;
  next(kind: string): string {
    return `${kind}${++this.count}`;
  }
}

function retriers(shapes: readonly RetryShape[]): Retrier[] | undefined {
  // ASL: States.ALL stands alone, in the last retrier; keep one retrier per pattern.
  const seen = new Set<ErrorPattern>();
  const ordered = [
    ...shapes.filter((r) => r.errors !== 'States.ALL'),
    ...shapes.filter((r) => r.errors === 'States.ALL'),
  ];
  const kept = ordered.filter((r) => !seen.has(r.errors) && seen.add(r.errors));
  if (kept.length === 0) return undefined;
  return kept.map((r) => ({
    ErrorEquals: [r.errors],
    IntervalSeconds: r.intervalSeconds,
    MaxAttempts: r.maxAttempts,
    BackoffRate: r.backoffRate,
  }));
}

interface Built {
  readonly StartAt: string;
  readonly States: Record<string, State>;
}

function buildScope(shape: ScopeShape, names: Names): Built {
  const prefixOf: Record<NodeShape['kind'], string> = {
    task: 'Task',
    pass: 'Pass',
    wait: 'Wait',
    choice: 'Choice',
    parallel: 'Par',
    map: 'Map',
  };
  const spine = shape.nodes.map((node) => names.next(prefixOf[node.kind]));
  const terminal =
    shape.terminal === 'succeed'
      ? names.next('Done')
      : shape.terminal === 'fail'
        ? names.next('Boom')
        : undefined;
  const states: Record<string, State> = {};
  /** The states after node `i` a Choice or a Catch handler may go to. */
  const later = (i: number): string[] => [
    ...spine.slice(i + 1),
    ...(terminal === undefined ? [] : [terminal]),
  ];
  const pick = (options: readonly string[], n: number): string => options[n % options.length]!;
  const flow = (i: number): { Next: string } | { End: true } => {
    const next = later(i)[0];
    return next === undefined ? { End: true } : { Next: next };
  };
  const recover = (r: Recovery, i: number): { Retry?: Retrier[]; Catch?: Catcher[] } => {
    const Retry = retriers(r.retry);
    let Catch: Catcher[] | undefined;
    if (r.catch !== null) {
      const handler = names.next(r.catch.handler === 'pass' ? 'Caught' : 'Failed');
      const options = later(i);
      states[handler] =
        r.catch.handler === 'pass'
          ? {
              Type: 'Pass',
              Result: { handled: handler },
              ResultPath: '$.p',
              ...(options.length === 0 ? { End: true } : { Next: pick(options, r.catch.resume) }),
            }
          : { Type: 'Fail', Error: 'Chain.Handled', Cause: `caught by ${handler}` };
      Catch = [
        {
          ErrorEquals: [r.catch.errors],
          Next: handler,
          ResultPath: r.catch.keepError ? '$.err' : null,
        },
      ];
    }
    return { ...(Retry ? { Retry } : {}), ...(Catch ? { Catch } : {}) };
  };
  shape.nodes.forEach((node, i) => {
    const name = spine[i]!;
    switch (node.kind) {
      case 'task': {
        const prefix = names.next('t');
        states[name] = {
          Type: 'Task',
          Resource: 'dataflow:flexTemplate',
          Region: 'europe-west4',
          Parameters: { jobName: prefix, containerSpecGcsPath: `gs://b/${prefix}.json` },
          ResultPath: node.keepResult ? '$.out' : null,
          ...recover(node.recovery, i),
          ...flow(i),
        };
        break;
      }
      case 'pass':
        states[name] = node.result
          ? { Type: 'Pass', Result: { at: name }, ResultPath: '$.p', ...flow(i) }
          : { Type: 'Pass', ...flow(i) };
        break;
      case 'wait':
        states[name] = { Type: 'Wait', Seconds: node.seconds, ...flow(i) };
        break;
      case 'choice': {
        let options = later(i);
        if (options.length === 0) {
          const done = names.next('Done');
          states[done] = { Type: 'Succeed' };
          options = [done];
        }
        const Choices: ChoiceRule[] = node.rules.map((rule) =>
          rule.test.op === 'IsPresent'
            ? {
                Variable: rule.test.variable,
                IsPresent: rule.test.value,
                Next: pick(options, rule.target),
              }
            : { Variable: '$.n', NumericEquals: rule.test.value, Next: pick(options, rule.target) },
        );
        // Default is the next state, so no state of the scope is left unreachable.
        states[name] = { Type: 'Choice', Choices, Default: options[0]! };
        break;
      }
      case 'parallel':
        states[name] = {
          Type: 'Parallel',
          Branches: node.branches.map((branch) => buildScope(branch, names)),
          ResultPath: node.keepResult ? '$.par' : null,
          ...recover(node.recovery, i),
          ...flow(i),
        };
        break;
      case 'map':
        states[name] = {
          Type: 'Map',
          ItemsPath: '$.items',
          MaxConcurrency: node.maxConcurrency,
          ...(node.tolerance?.kind === 'count'
            ? { ToleratedFailureCount: node.tolerance.value }
            : {}),
          ...(node.tolerance?.kind === 'percentage'
            ? { ToleratedFailurePercentage: node.tolerance.value }
            : {}),
          ItemProcessor: {
            ProcessorConfig: { Mode: 'INLINE' },
            ...buildScope(node.processor, names),
          },
          ResultPath: node.keepResult ? '$.map' : null,
          ...recover(node.recovery, i),
          ...flow(i),
        };
        break;
    }
  });
  if (shape.terminal === 'succeed') states[terminal!] = { Type: 'Succeed' };
  if (shape.terminal === 'fail')
    states[terminal!] = { Type: 'Fail', Error: 'Chain.Failed', Cause: `${terminal!} reached` };
  // Keep the states in a readable order: the spine, then handlers and terminal.
  const ordered: Record<string, State> = {};
  for (const name of spine) ordered[name] = states[name]!;
  for (const [name, state] of Object.entries(states)) if (!(name in ordered)) ordered[name] = state;
  return { StartAt: spine[0]!, States: ordered };
}

/** The chain a shape describes. */
export function buildChain(shape: ScopeShape): ChainDefinition {
  const built = buildScope(shape, new Names());
  return { Comment: 'generated by test/property/arbitraries.ts', ...built };
}

/** Valid chains: Task (Retry, Catch), Pass, Wait, Choice, Parallel, Map (MaxConcurrency, tolerated failures), Succeed, Fail. */
export const chainShape: fc.Arbitrary<ScopeShape> = scopeShape(0);
export const chain: fc.Arbitrary<ChainDefinition> = chainShape.map(buildChain);

/**
 * Chains that start with a Map over `$.items` whose lanes are narrow (MaxConcurrency 1–3),
 * often with tolerated failures, maybe followed by a Task: the shape that exercises the Map's
 * lanes (successors, failure reports, join checks, stopped items) under chaos the most.
 */
export const laneChainShape: fc.Arbitrary<ScopeShape> = fc
  .record({
    map: fc.record({
      kind: fc.constant('map' as const),
      processor: scopeShape(1),
      maxConcurrency: fc.integer({ min: 1, max: 3 }),
      tolerance: fc.oneof(
        fc.constant(null),
        fc.record({ kind: fc.constant('count' as const), value: fc.integer({ min: 0, max: 3 }) }),
        fc.record({
          kind: fc.constant('percentage' as const),
          value: fc.constantFrom(20, 50, 100),
        }),
      ),
      recovery,
      keepResult: fc.boolean(),
    }),
    after: fc.boolean(),
  })
  .map(({ map, after }) => ({
    nodes: after
      ? [map, { kind: 'task' as const, recovery: { retry: [], catch: null }, keepResult: true }]
      : [map],
    terminal: 'end' as const,
  }));
export const laneChain: fc.Arbitrary<ChainDefinition> = laneChainShape.map(buildChain);

/** Every state of a chain by name (names are unique chain-wide), branches and items included. */
export function statesByName(definition: ChainDefinition): Map<string, State> {
  const found = new Map<string, State>();
  const walk = (states: Readonly<Record<string, State>>): void => {
    for (const [name, state] of Object.entries(states)) {
      found.set(name, state);
      if (state.Type === 'Parallel') state.Branches.forEach((b) => walk(b.States));
      if (state.Type === 'Map') walk((state.ItemProcessor ?? state.Iterator)!.States);
    }
  };
  walk(definition.States);
  return found;
}

/** Most scopes nested in one another below the root (0: no Parallel or Map). */
export function depthOf(definition: ChainDefinition): number {
  const depth = (states: Readonly<Record<string, State>>): number =>
    Math.max(
      0,
      ...Object.values(states).map((state) =>
        state.Type === 'Parallel'
          ? 1 + Math.max(...state.Branches.map((b) => depth(b.States)))
          : state.Type === 'Map'
            ? 1 + depth((state.ItemProcessor ?? state.Iterator)!.States)
            : 0,
      ),
    );
  return depth(definition.States);
}

const leafItem = fc.record(
  {
    n: fc.integer({ min: 0, max: 2 }),
    flag: fc.constant(true),
    items: fc.constant(null).map((): Json[] => []),
  },
  { requiredKeys: ['n', 'items'] },
);
const item = fc.record(
  {
    n: fc.integer({ min: 0, max: 2 }),
    flag: fc.constant(true),
    items: fc.array(leafItem, { maxLength: 2 }),
  },
  { requiredKeys: ['n', 'items'] },
);

/**
 * A run's input: `n`, maybe `flag`, and two levels of `items` for the Maps to go over (up to 5
 * at the top, so a Map with MaxConcurrency 1–3 has lanes of more than one item).
 */
export const input: fc.Arbitrary<JsonObject> = fc
  .record(
    {
      n: fc.integer({ min: 0, max: 2 }),
      flag: fc.constant(true),
      items: fc.array(item, { maxLength: 5 }),
    },
    { requiredKeys: ['n', 'items'] },
  )
  // A record without `flag` has no such key (never `flag: undefined`): plain JSON.
  .map((value) => value as JsonObject);

/** A run's input for `laneChain`: up to 7 items at the top, so lanes hold several items. */
export const laneInput: fc.Arbitrary<JsonObject> = fc
  .record({
    n: fc.integer({ min: 0, max: 2 }),
    items: fc.array(item, { minLength: 1, maxLength: 7 }),
  })
  .map((value) => value as JsonObject);

/** How jobs end: a pure function of (seed, scope, state, attempt), so every driver agrees. */
export interface OutcomeSpec {
  readonly seed: number;
  /** Percent of jobs that end FAILED. */
  readonly failPercent: number;
  /** Percent of jobs that end CANCELLED (outside the chain's control, e.g. by an operator). */
  readonly cancelPercent: number;
}

export const outcomeSpec: fc.Arbitrary<OutcomeSpec> = fc.record({
  seed: fc.nat({ max: 0xffff }),
  failPercent: fc.oneof(
    { weight: 2, arbitrary: fc.constant(0) },
    { weight: 4, arbitrary: fc.constantFrom(5, 10, 20, 35) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 100 }) },
  ),
  cancelPercent: fc.oneof(
    { weight: 3, arbitrary: fc.constant(0) },
    fc.integer({ min: 0, max: 20 }),
  ),
});

/** The outcome of the job of one attempt of one state in one scope. */
export function outcomeOf(
  spec: OutcomeSpec,
  state: string,
  scope: string,
  attempt: number,
): JobOutcome {
  const digest = createHash('sha256')
    .update(`${spec.seed}\n${scope}\n${state}\n${attempt}`)
    .digest();
  const roll = digest.readUInt32BE(0) % 100;
  if (roll < spec.failPercent) return 'FAILED';
  if (roll < spec.failPercent + spec.cancelPercent) return 'CANCELLED';
  return 'DONE';
}

/** `outcomeOf` in the harness's shape. */
export function outcomes(spec: OutcomeSpec): Outcomes {
  return (step: Step) => outcomeOf(spec, step.state, step.scope ?? '', step.attempt);
}
