import { readFileSync } from 'node:fs';
import { SCHEMA_URL } from './schema.js';
import type { ErrorObject } from 'ajv';
import type { ChainProblem } from '../errors.js';
import { isObject } from '../json.js';
import { operandProblem } from '../engine/choice.js';
import { TIME_OF_DAY_PATTERN, timeOfDayMessage } from './deadline-checks.js';
import { didYouMean } from './did-you-mean.js';
import { AWS_READER_RESOURCES, ITEM_READER_RESOURCES } from './item-reader.js';
import { MAX_JOB_NAME_PREFIX_LENGTH, suggestJobNamePrefix } from './job-name.js';
import { dotPath, joinPath, pointerSegments, valueAt } from './json-pointer.js';
import { STATE_TYPES, TASK_RESOURCES, UNSUPPORTED_FIELDS, type StateType } from './types.js';

const PATTERN_MESSAGES: Readonly<Record<string, (value: string) => string>> = {
  '^[a-z][-a-z0-9]*$': (v) =>
    `${JSON.stringify(v)} is not a valid job name prefix: start with a lowercase letter, then use lowercase letters, digits or '-'; such as ${JSON.stringify(suggestJobNamePrefix(v))}`,
  '^[a-z]+-[a-z]+[0-9]+$': (v) =>
    `${JSON.stringify(v)} is not a Dataflow region; use one such as "europe-west4"`,
  '^gs://[^/]+/.+': (v) =>
    `${JSON.stringify(v)} is not a Cloud Storage file; use the gs:// path of the template spec file, such as "gs://bucket/templates/ingest.json"`,
  '^(projects/[^/]+/topics/)?[a-zA-Z][-a-zA-Z0-9._~+%]{2,254}$': (v) =>
    `${JSON.stringify(v)} is not a Pub/Sub topic: use "projects/PROJECT/topics/TOPIC", or TOPIC for a topic of the function's project (3 to 255 letters, digits, "-", "_", ".", "~", "+" or "%", starting with a letter)`,
  // The classic template's gcsPath (its own pattern text, so that its message names it).
  '^gs://[^/]+/.+$': (v) =>
    `${JSON.stringify(v)} is not a Cloud Storage file; use the gs:// path of the classic template, such as "gs://bucket/templates/export"`,
  '^gs://[^/]+': (v) =>
    `${JSON.stringify(v)} is not a Cloud Storage path; use one such as "gs://bucket/tmp"`,
  [TIME_OF_DAY_PATTERN]: timeOfDayMessage,
};

const DEADLINE_FIELDS =
  'must set "AfterSeconds" (seconds after the run starts, such as 3600) or "At" (a time of day, such as "07:30")';

/** Turns ajv's errors for a chain file into problems that name the place and the fix. */
export function schemaProblems(errors: readonly ErrorObject[], data: unknown): ChainProblem[] {
  return errors.flatMap((error) => {
    const problem = translate(error, data);
    return problem ? [problem] : [];
  });
}

function translate(e: ErrorObject, data: unknown): ChainProblem | undefined {
  // Wrappers repeat the errors of their children.
  if (e.schemaPath.includes('/anyOf/')) return undefined;
  if (e.keyword === 'if' || e.keyword === 'propertyNames') return undefined;
  const segments = pointerSegments(e.instancePath);
  const path = dotPath(data, segments);
  const value: unknown = e.data;
  const params = e.params as Record<string, unknown>;
  const at = (message: string, where = path): ChainProblem => ({ path: where, message });
  switch (e.keyword) {
    case 'required':
      return at('required', joinPath(path, String(params.missingProperty)));
    case 'additionalProperties': {
      const properties = (e.parentSchema?.properties ?? {}) as object;
      return unknownField(
        path,
        String(params.additionalProperty),
        Object.keys(properties),
        valueAt(data, segments),
        placeOf(segments),
      );
    }
    case 'type':
      if (path === '') return at('must be a JSON object with "StartAt" and "States"');
      return at(typeMessage(String(params.type), value, segments.at(-1)));
    case 'enum':
      if (segments.at(-1) === 'Type' && placeOf(segments.slice(0, -1)).kind === 'state')
        return at(stateTypeMessage(value));
      if (segments.at(-1) === 'Mode' && segments.at(-2) === 'ProcessorConfig')
        return at(processorModeMessage(value));
      if (segments.at(-1) === 'Resource' && placeOf(segments.slice(0, -1)).kind === 'state')
        return at(resourceMessage(value));
      if (segments.at(-1) === 'Resource' && segments.at(-2) === 'ItemReader')
        return at(readerResourceMessage(value));
      return at(
        `must be one of ${(params.allowedValues as unknown[]).join(', ')} (got ${describe(value)})`,
      );
    case 'const':
      return at(constMessage(segments.at(-1), params.allowedValue, value));
    case 'pattern': {
      const message = PATTERN_MESSAGES[String(params.pattern)];
      return at(
        message
          ? message(String(value))
          : `${JSON.stringify(value)} must match ${String(params.pattern)}`,
      );
    }
    case 'maxLength':
      if (e.propertyName !== undefined) {
        return at(
          `state name ${JSON.stringify(e.propertyName)} is longer than ${String(params.limit)} characters; shorten it`,
        );
      }
      if (params.limit === MAX_JOB_NAME_PREFIX_LENGTH) {
        return at(
          `is ${String(value).length} characters long; a job name prefix may have at most ${MAX_JOB_NAME_PREFIX_LENGTH} (Dataflow job names have at most 1024, and dfchain appends 13)`,
        );
      }
      return at(`must be at most ${String(params.limit)} characters long`);
    case 'minLength':
      return at(
        e.propertyName !== undefined ? 'a state name must not be empty' : 'must not be empty',
      );
    case 'minProperties':
      if (path === 'Deadline') return at(DEADLINE_FIELDS);
      return at(path === 'States' ? 'must hold at least one state' : 'must not be empty');
    case 'maxProperties':
      // Only Deadline limits its fields; with an unknown field, that field's error says it all.
      if (path !== 'Deadline') return at(`must have at most ${String(params.limit)} fields`);
      return isObject(value) && 'AfterSeconds' in value && 'At' in value
        ? at('has both "AfterSeconds" and "At"; keep one')
        : undefined;
    case 'minItems':
      return at(minItemsMessage(segments.at(-1)));
    case 'minimum':
      return at(`must be at least ${String(params.limit)} (got ${describe(value)})`);
    case 'maximum':
      return at(`must be at most ${String(params.limit)} (got ${describe(value)})`);
    default:
      return at(e.message ?? `fails the schema rule ${e.schemaPath}`);
  }
}

function unknownField(
  path: string,
  key: string,
  allowed: readonly string[],
  parent: unknown,
  place: Place,
): ChainProblem {
  const here = joinPath(path, key);
  if (place.kind !== 'other' && (UNSUPPORTED_FIELDS as readonly string[]).includes(key)) {
    return { path: here, message: 'not supported in this version of dfchain; remove it' };
  }
  const type = (parent as { Type?: unknown } | undefined)?.Type;
  if (place.kind === 'state' && isStateType(type)) {
    const message = stateFieldMessage(type, key, place.scope);
    if (message !== undefined) return { path: here, message };
  }
  if (place.kind === 'rule' && key === 'Condition') {
    return {
      path: here,
      message:
        'Condition belongs to JSONata rules, which dfchain does not support; test "Variable" with an operator such as "StringEquals" instead',
    };
  }
  if (place.kind === 'rule') {
    // Rules list every operator: a list of 45 fields helps less than the closest operator.
    return { path: here, message: `${operandProblem(key, undefined)!}; remove or rename it` };
  }
  if (key === 'ExecutionType' && path.endsWith('.ProcessorConfig')) {
    return {
      path: here,
      message:
        'ExecutionType applies to a Distributed Map, which dfchain does not run (every Map runs inline); remove it',
    };
  }
  const base = key.endsWith('.$') ? key.slice(0, -2) : undefined;
  if (base !== undefined && allowed.includes(base)) {
    return { path: here, message: `${base} must be a fixed string, not a path; write "${base}"` };
  }
  const guess = base === undefined ? didYouMean(key, allowed) : didYouMean(base, allowed);
  const suggestion =
    guess === undefined ? '' : `; did you mean "${base === undefined ? guess : `${guess}.$`}"?`;
  return { path, message: `unknown field "${key}" (allowed: ${allowed.join(', ')}${suggestion})` };
}

let fields: Readonly<Record<string, readonly string[]>> | undefined;

/**
 * The fields dag/schema.json gives a state of `type` (read from the schema once, so the two
 * cannot drift): a field of another type gets a message naming the types that take it.
 */
export function stateFields(type: StateType): readonly string[] {
  if (fields === undefined) {
    const schema = JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as {
      definitions: Record<string, { properties?: Record<string, unknown> }>;
    };
    fields = Object.fromEntries(
      STATE_TYPES.map((t) => [
        t,
        Object.keys(schema.definitions[t.toLowerCase()]?.properties ?? {}),
      ]),
    );
  }
  return fields[type] ?? [];
}

/**
 * Fields of AWS's Distributed Map (states.aws "Map state in Distributed mode"): dfchain runs
 * every Map inline, where AWS does not take them either.
 */
const DISTRIBUTED_MAP_FIELDS = ['ItemBatcher', 'ResultWriter', 'Label'];

const isStateType = (value: unknown): value is StateType =>
  (STATE_TYPES as readonly unknown[]).includes(value);

/** What a terminal state ends, by the scope it is in. */
const ENDS: Readonly<Record<Scope, string>> = {
  chain: 'the run',
  branch: 'its branch',
  processor: 'the processing of its item',
};

/** A tailored message for a field a state of this type does not take, if there is one. */
function stateFieldMessage(type: StateType, key: string, scope: Scope): string | undefined {
  if ((key === 'Next' || key === 'End') && (type === 'Succeed' || type === 'Fail')) {
    return `a ${type} state ends ${ENDS[scope]}, so it takes no "${key}"; remove it`;
  }
  if (type === 'Choice' && key === 'Next') {
    return 'a Choice state goes to the "Next" of the rule that matches, or to its "Default"; move this state name to "Default"';
  }
  if (type === 'Choice' && key === 'End') {
    return `a Choice state cannot end ${ENDS[scope]} (ASL); point a rule or "Default" at a Succeed state instead`;
  }
  if (type === 'Map' && DISTRIBUTED_MAP_FIELDS.includes(key)) {
    return `${key} belongs to a Distributed Map, which dfchain does not run (every Map runs inline); remove it`;
  }
  const owners = STATE_TYPES.filter((t) => stateFields(t).includes(key));
  if (owners.length === 0) return undefined;
  return `a ${type} state takes no "${key}" (${listTypes(owners)} ${owners.length === 1 ? 'does' : 'do'}); remove it`;
}

function listTypes(types: readonly string[]): string {
  const names = [...types];
  const last = names.pop()!;
  return names.length === 0
    ? `only a ${last} state`
    : `only ${names.join(', ')} and ${last} states`;
}

/** Which scope a place is in: the chain, a Parallel branch or a Map item processor. */
export type Scope = 'chain' | 'branch' | 'processor';

/** What a JSON place of a chain file is, read from its segments. */
export interface Place {
  readonly kind:
    | 'top'
    | 'state'
    | 'branch'
    | 'processor'
    | 'rule'
    | 'retrier'
    | 'catcher'
    | 'other';
  readonly scope: Scope;
}

/**
 * Classifies the place at `segments` by walking the chain's grammar from the root: a state is
 * `States.<name>` of the chain, a branch (`Branches[i]`) or an item processor (`ItemProcessor`,
 * `Iterator`); rules sit in `Choices`, `And`, `Or`, `Not`; retriers and catchers in `Retry` and
 * `Catch`. Anything else (Parameters, Defaults, ...) is `other`, where no ASL field means
 * anything.
 */
export function placeOf(segments: readonly string[]): Place {
  let kind: Place['kind'] = 'top';
  let scope: Scope = 'chain';
  let i = 0;
  while (i < segments.length) {
    const segment = segments[i];
    const indexed = i + 1 < segments.length;
    let to: Place['kind'] = 'other';
    let width = 1;
    if (kind === 'top' || kind === 'branch' || kind === 'processor') {
      if (segment === 'States' && indexed) [to, width] = ['state', 2];
    } else if (kind === 'state') {
      if (segment === 'Branches' && indexed) [to, width, scope] = ['branch', 2, 'branch'];
      else if (segment === 'ItemProcessor' || segment === 'Iterator')
        [to, scope] = ['processor', 'processor'];
      else if (segment === 'Choices' && indexed) [to, width] = ['rule', 2];
      else if (segment === 'Retry' && indexed) [to, width] = ['retrier', 2];
      else if (segment === 'Catch' && indexed) [to, width] = ['catcher', 2];
    } else if (kind === 'rule') {
      if ((segment === 'And' || segment === 'Or') && indexed) [to, width] = ['rule', 2];
      else if (segment === 'Not') to = 'rule';
    }
    kind = to;
    if (kind === 'other') break;
    i += width;
  }
  return { kind, scope };
}

function processorModeMessage(value: unknown): string {
  if (value === 'DISTRIBUTED') {
    return 'DISTRIBUTED is not supported: dfchain runs Map inline; remove ProcessorConfig.Mode or set INLINE';
  }
  return `must be INLINE (got ${describe(value)}); dfchain runs Map inline, so ProcessorConfig.Mode may also be left out`;
}

const MIN_ITEMS: Readonly<Record<string, string>> = {
  Branches: 'must hold at least one branch ({"StartAt": ..., "States": {...}})',
  Choices: 'must hold at least one rule',
  And: 'must hold at least one rule',
  Or: 'must hold at least one rule',
  ErrorEquals: 'must name at least one error, such as "States.ALL"',
};

function minItemsMessage(key: string | undefined): string {
  return (key !== undefined && MIN_ITEMS[key]) || 'must not be empty';
}

function stateTypeMessage(value: unknown): string {
  const supported = `supported: ${STATE_TYPES.join(', ')}`;
  if (typeof value !== 'string')
    return `must be one of ${STATE_TYPES.join(', ')} (got ${describe(value)})`;
  const guess = didYouMean(value, STATE_TYPES);
  return `${JSON.stringify(value)} is not a state type (${supported})${guess ? `; did you mean "${guess}"?` : ''}`;
}

function resourceMessage(value: unknown): string {
  const supported = TASK_RESOURCES.map((r) => JSON.stringify(r)).join(' or ');
  if (typeof value !== 'string') return `must be ${supported} (got ${describe(value)})`;
  const guess = didYouMean(value, TASK_RESOURCES);
  return `${JSON.stringify(value)} is not a Task resource of dfchain (supported: ${supported})${guess ? `; did you mean "${guess}"?` : ''}`;
}

function readerResourceMessage(value: unknown): string {
  const supported = ITEM_READER_RESOURCES.map((r) => JSON.stringify(r)).join(' or ');
  if (typeof value !== 'string') return `must be ${supported} (got ${describe(value)})`;
  const guess = AWS_READER_RESOURCES[value] ?? didYouMean(value, ITEM_READER_RESOURCES);
  return `${JSON.stringify(value)} is not an ItemReader resource of dfchain (supported: ${supported})${guess ? `; did you mean "${guess}"?` : ''}`;
}

function constMessage(key: string | undefined, allowed: unknown, value: unknown): string {
  if (key === 'End')
    return `must be true (got ${describe(value)}); to go on to another state, use "Next" instead`;
  return `must be ${JSON.stringify(allowed)} (got ${describe(value)})`;
}

function typeMessage(types: string, value: unknown, key: string | undefined): string {
  const withArticle = (type: string): string =>
    type === 'null' ? 'null' : `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
  const [type = types, ...others] = types.split(',');
  // Stryker disable next-line OptionalChaining: a type error at the top level (no key) is answered before typeMessage is called
  if (key?.endsWith('.$')) {
    return `must be a string holding a path or an intrinsic (got ${describe(value)}); for a fixed value, drop ".$" from the key`;
  }
  let fix = '';
  if (type === 'string' && (typeof value === 'number' || typeof value === 'boolean'))
    fix = `; write it as "${String(value)}"`;
  const numeric =
    typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value));
  if ((type === 'integer' || type === 'number') && numeric)
    fix = `; write it as ${value} without quotes`;
  const expected = [type, ...others].map(withArticle).join(' or ');
  return `must be ${expected} (got ${describe(value)})${fix}`;
}

/** A value as messages show it: `"text"`, `number 3`, `an object`, `null`. */
export function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return typeof value === 'string'
    ? JSON.stringify(value)
    : `${typeof value} ${JSON.stringify(value)}`;
}
