import { ChainValidationError, type ChainProblem } from '../errors.js';
import { choiceProblems } from './choice-checks.js';
import { deadlineProblems } from './deadline-checks.js';
import { errorProblems } from './error-checks.js';
import { graphProblems } from './graph.js';
import { publishProblems } from './publish-checks.js';
import { runJobProblems } from './run-job-checks.js';
import { itemReaderProblems } from './item-reader-checks.js';
import { pathShapeProblems, pathShapeWarnings } from './path-shape-checks.js';
import { schemaProblems } from './schema-problems.js';
import { scheduleProblems } from './schedule-checks.js';
import { chainSchemaValidator } from './schema.js';
import { stateProblems } from './state-checks.js';
import { taskProblems } from './task-checks.js';
import { triggerProblems } from './trigger-checks.js';
import type { ChainDefinition } from './types.js';

/**
 * Validates the JSON of a chain file against dag/schema.json and the rules the schema cannot
 * express. Throws ChainValidationError listing every problem, in file order.
 */
export function validateChain(file: string, json: unknown): ChainDefinition {
  const problems = chainProblems(json);
  if (problems.length > 0) throw new ChainValidationError(file, problems);
  return json as ChainDefinition;
}

/** What to check beyond what the function refuses to load. */
export interface CheckOptions {
  /**
   * Also refuse `$` and `$$` paths that will not be found at run time (path-shape-checks.ts):
   * `dfchain validate` does, before deploy. The function's own loading does not: ASL says such
   * a path raises States.Runtime when the state runs (AWS does so), and a chain may rely on it.
   */
  readonly paths?: boolean;
}

/** Every problem of a chain's JSON, in file order, without duplicates. */
export function chainProblems(json: unknown, options: CheckOptions = {}): ChainProblem[] {
  const validate = chainSchemaValidator();
  validate(json);
  const all = [
    ...schemaProblems(validate.errors ?? [], json),
    ...deadlineProblems(json),
    ...scheduleProblems(json),
    ...triggerProblems(json),
    ...graphProblems(json),
    ...stateProblems(json),
    ...itemReaderProblems(json),
    ...choiceProblems(json),
    ...errorProblems(json),
    ...taskProblems(json),
    ...publishProblems(json),
    ...runJobProblems(json),
    ...(options.paths ? pathShapeProblems(json) : []),
  ];
  return inFileOrder(json, all);
}

/**
 * What `dfchain validate` says of a chain's JSON besides its problems, in file order: the `$`
 * paths that read into a value a Task's result made known but the data flow lost track of, so
 * they cannot be checked before the run (path-shape-checks.ts). They do not make it invalid.
 */
export function chainWarnings(json: unknown): ChainProblem[] {
  return inFileOrder(json, pathShapeWarnings(json));
}

/** `all` without duplicates, sorted by where each is in the JSON (stable). */
function inFileOrder(json: unknown, all: readonly ChainProblem[]): ChainProblem[] {
  const seen = new Set<string>();
  const unique = all.filter((p) => {
    const key = `${p.path}\n${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const order = documentOrder(json);
  const rank = (path: string): number => {
    // A missing field sorts with the nearest ancestor that exists.
    for (let p = path; ; ) {
      const found = order.get(p);
      if (found !== undefined) return found;
      const parent = p.replace(/(\.[^.[]*|\[\d+\])$/, '');
      if (parent === p) return 0;
      p = parent;
    }
  };
  return unique
    .map((problem, i) => ({ problem, i, at: rank(problem.path) }))
    .sort((a, b) => a.at - b.at || a.i - b.i)
    .map((x) => x.problem);
}

function documentOrder(json: unknown): Map<string, number> {
  const order = new Map<string, number>();
  const walk = (node: unknown, path: string): void => {
    order.set(path, order.size);
    if (Array.isArray(node)) node.forEach((item, i) => walk(item, `${path}[${i}]`));
    else if (node !== null && typeof node === 'object') {
      for (const [key, value] of Object.entries(node))
        walk(value, path === '' ? key : `${path}.${key}`);
    }
  };
  walk(json, '');
  return order;
}
