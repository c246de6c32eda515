import type { ErrorObject } from 'ajv';
import type { ChainProblem } from '../errors.js';
import { didYouMean } from './did-you-mean.js';
import { MAX_JOB_NAME_PREFIX_LENGTH, suggestJobNamePrefix } from './job-name.js';
import { dotPath, joinPath, pointerSegments, valueAt } from './json-pointer.js';
import { STATE_TYPES, UNSUPPORTED_FIELDS, UNSUPPORTED_STATE_TYPES } from './types.js';

const PATTERN_MESSAGES: Readonly<Record<string, (value: string) => string>> = {
  '^[a-z][-a-z0-9]*$': (v) =>
    `${JSON.stringify(v)} is not a valid job name prefix: start with a lowercase letter, then use lowercase letters, digits or '-'; such as ${JSON.stringify(suggestJobNamePrefix(v))}`,
  '^[a-z]+-[a-z]+[0-9]+$': (v) =>
    `${JSON.stringify(v)} is not a Dataflow region; use one such as "europe-west4"`,
  '^gs://[^/]+/.+': (v) =>
    `${JSON.stringify(v)} is not a Cloud Storage file; use the gs:// path of the template spec file, such as "gs://bucket/templates/ingest.json"`,
  '^gs://[^/]+': (v) =>
    `${JSON.stringify(v)} is not a Cloud Storage path; use one such as "gs://bucket/tmp"`,
};

/** Turns ajv's errors for a chain file into problems that name the place and the fix. */
export function schemaProblems(errors: readonly ErrorObject[], data: unknown): ChainProblem[] {
  return errors.flatMap((error) => {
    const problem = translate(error, data);
    return problem ? [problem] : [];
  });
}

function translate(e: ErrorObject, data: unknown): ChainProblem | undefined {
  // Next/End of a Task is checked with the graph (clearer messages); wrappers repeat their children.
  if (e.schemaPath.includes('/taskTransition/') || e.schemaPath.includes('/anyOf/'))
    return undefined;
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
      );
    }
    case 'type':
      if (path === '') return at('must be a JSON object with "StartAt" and "States"');
      return at(typeMessage(String(params.type), value, segments.at(-1)));
    case 'enum':
      if (segments.length === 3 && segments[0] === 'States' && segments[2] === 'Type')
        return at(stateTypeMessage(value));
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
      return at(path === 'States' ? 'must hold at least one state' : 'must not be empty');
    case 'minimum':
      return at(`must be at least ${String(params.limit)} (got ${describe(value)})`);
    default:
      return at(e.message ?? `fails the schema rule ${e.schemaPath}`);
  }
}

function unknownField(
  path: string,
  key: string,
  allowed: readonly string[],
  parent: unknown,
): ChainProblem {
  const here = joinPath(path, key);
  const atStateOrTop = path === '' || /^States\.[^.]+$/.test(path);
  if (atStateOrTop && (UNSUPPORTED_FIELDS as readonly string[]).includes(key)) {
    return { path: here, message: 'not supported in this version of dfchain; remove it' };
  }
  const type = (parent as { Type?: unknown } | undefined)?.Type;
  if ((key === 'Next' || key === 'End') && (type === 'Succeed' || type === 'Fail')) {
    return {
      path: here,
      message: `a ${type} state ends the run, so it takes no "${key}"; remove it`,
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

function stateTypeMessage(value: unknown): string {
  const supported = `supported: ${STATE_TYPES.join(', ')}`;
  if (typeof value !== 'string')
    return `must be one of ${STATE_TYPES.join(', ')} (got ${describe(value)})`;
  if ((UNSUPPORTED_STATE_TYPES as readonly string[]).includes(value)) {
    return `"${value}" is not supported in this version of dfchain (${supported})`;
  }
  const guess = didYouMean(value, STATE_TYPES);
  return `${JSON.stringify(value)} is not a state type (${supported})${guess ? `; did you mean "${guess}"?` : ''}`;
}

function constMessage(key: string | undefined, allowed: unknown, value: unknown): string {
  if (key === 'Resource') {
    return `must be "dataflow:flexTemplate", the only Task resource in this version of dfchain (got ${describe(value)})`;
  }
  if (key === 'End')
    return `must be true (got ${describe(value)}); to go on to another state, use "Next" instead`;
  return `must be ${JSON.stringify(allowed)} (got ${describe(value)})`;
}

function typeMessage(type: string, value: unknown, key: string | undefined): string {
  const article = /^[aeiou]/.test(type) ? 'an' : 'a';
  // Stryker disable next-line OptionalChaining: a type error at the top level (no key) is answered before typeMessage is called
  if (key?.endsWith('.$')) {
    return `must be a string holding a path or an intrinsic (got ${describe(value)}); for a fixed value, drop ".$" from the key`;
  }
  const fix =
    type === 'string' && (typeof value === 'number' || typeof value === 'boolean')
      ? `; write it as "${String(value)}"`
      : '';
  return `must be ${article} ${type} (got ${describe(value)})${fix}`;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return typeof value === 'string'
    ? JSON.stringify(value)
    : `${typeof value} ${JSON.stringify(value)}`;
}
