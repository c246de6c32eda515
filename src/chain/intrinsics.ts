import { createHash } from 'node:crypto';
import { PathError } from '../errors.js';
import type { Json } from '../json.js';
import {
  MAX_RANGE_ITEMS,
  mergeShallow,
  partition,
  range,
  rangeCount,
  rangeTooLong,
  unique,
} from './intrinsic-array.js';
import { format } from './intrinsic-format.js';
import { IntrinsicRandom, integerFromBytes, sha256, uuidFromBytes } from './intrinsic-random.js';
import { describeJson as describeJsonValue, sameJson } from './json-value.js';
import { MAX_VALUE_DEPTH, jsonDepth } from './json-depth.js';
import { scanJson } from './json-syntax.js';

/*
 * Sources: the specification's Appendix B (https://states-language.net/spec.html#appendix-b) and
 * AWS's "Intrinsic functions for JSONPath states in Step Functions"
 * (https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html). Where they
 * differ, AWS wins (ARCHITECTURE.md §2.1); each difference is noted where it is implemented.
 */

/** The intrinsic functions dfchain evaluates: every one of the specification. */
export const INTRINSIC_NAMES = [
  'States.Format',
  'States.StringToJson',
  'States.JsonToString',
  'States.Array',
  'States.ArrayPartition',
  'States.ArrayContains',
  'States.ArrayRange',
  'States.ArrayGetItem',
  'States.ArrayLength',
  'States.ArrayUnique',
  'States.Base64Encode',
  'States.Base64Decode',
  'States.Hash',
  'States.JsonMerge',
  'States.MathRandom',
  'States.MathAdd',
  'States.StringSplit',
  'States.UUID',
] as const;

/** An intrinsic function dfchain evaluates. */
export type IntrinsicName = (typeof INTRINSIC_NAMES)[number];

/**
 * The kinds of value an intrinsic argument may be required to have. `number` is any finite
 * number whose value is rounded to the nearest integer, as AWS does for the arguments it says it
 * rounds; `integer` must already be one.
 */
export const ARGUMENT_KINDS = [
  'string',
  'integer',
  'number',
  'array',
  'object',
  'boolean',
  'any',
] as const;

/** A kind of intrinsic argument. */
export type ArgumentKind = (typeof ARGUMENT_KINDS)[number];

interface IntrinsicSpec {
  readonly params: readonly ArgumentKind[];
  /** How many of the last `params` may be left out. */
  readonly optional?: number;
  /** Kind of every argument after `params`; absent: at most `params.length` arguments. */
  readonly rest?: ArgumentKind;
  /** A further rule for argument `index` (0-based), once it has the right kind. */
  readonly check?: (index: number, value: Json) => string | undefined;
  /** A rule across the arguments, once each one is right. */
  readonly across?: (args: readonly Json[]) => string | undefined;
  readonly apply: (args: readonly Json[], random: IntrinsicRandom) => Json;
}

/** Hash algorithms of States.Hash, mapped to node:crypto names. */
export const HASH_ALGORITHMS: Readonly<Record<string, string>> = {
  MD5: 'md5',
  'SHA-1': 'sha1',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};

/**
 * Longest string States.Base64Encode, States.Base64Decode and States.Hash take: "a data string
 * of up to 10,000 characters" (AWS, and the specification). Counted in UTF-16 code units, as
 * Java's String.length() counts (AWS Step Functions runs on Java).
 */
export const MAX_STRING_ARGUMENT = 10_000;

/** States.MathAdd takes "integer values in the range of -2147483648 and 2147483647" (AWS). */
export const MATH_ADD_MIN = -2_147_483_648;
export const MATH_ADD_MAX = 2_147_483_647;

/**
 * AWS rounds a non-integer argument of ArrayPartition, ArrayRange, MathRandom and MathAdd "to the
 * nearest integer". Halves go up, as Java's Math.round (and JavaScript's) rounds them: recorded
 * against AWS, MathAdd(-1.49, -1.5) is -2 and MathAdd(-1.5, -1.51) is -3 (LocalStack's
 * AWS-validated snapshot tests/aws/services/stepfunctions/v2/intrinsic_functions/
 * test_math_operations.snapshot.json). -0 becomes 0.
 */
export function roundArgument(value: number): number {
  const rounded = Math.round(value);
  return rounded === 0 ? 0 : rounded;
}

const str = (v: Json | undefined): string => v as string;
const list = (v: Json | undefined): Json[] => v as Json[];
const num = (v: Json | undefined): number => v as number;
const int = (v: Json | undefined): number => roundArgument(v as number);
const obj = (v: Json | undefined): { [key: string]: Json } => v as { [key: string]: Json };

const SPECS: Record<IntrinsicName, IntrinsicSpec> = {
  'States.Format': { params: ['string'], rest: 'any', apply: format },
  'States.StringToJson': { params: ['string'], apply: ([s]) => stringToJson(str(s)) },
  // The specification says the argument MUST be a Path; dfchain takes any value (a literal, or a
  // nested call such as States.JsonToString(States.Array(…))), as it did before.
  'States.JsonToString': { params: ['any'], apply: ([v]) => jsonToString(v ?? null) },
  'States.Array': { params: [], rest: 'any', apply: (args) => [...args] },
  'States.ArrayPartition': {
    params: ['array', 'number'],
    check: (i, v) => (i === 1 && int(v) < 1 ? chunkSizeProblem(num(v)) : undefined),
    apply: ([a, size]) => partition(list(a), int(size)),
  },
  'States.ArrayContains': {
    params: ['array', 'any'],
    apply: ([a, v]) => list(a).some((item) => sameJson(item, v ?? null)),
  },
  'States.ArrayRange': {
    params: ['number', 'number', 'number'],
    check: (i, v) => (i === 2 && int(v) === 0 ? stepProblem(num(v)) : undefined),
    across: ([s, e, step]) => {
      const count = rangeCount(int(s), int(e), int(step));
      return count > MAX_RANGE_ITEMS ? rangeTooLong(int(s), int(e), int(step), count) : undefined;
    },
    apply: ([s, e, step]) => range(int(s), int(e), int(step)),
  },
  'States.ArrayGetItem': {
    params: ['array', 'integer'],
    apply: ([a, i]) => getItem(list(a), num(i)),
  },
  'States.ArrayLength': { params: ['array'], apply: ([a]) => list(a).length },
  'States.ArrayUnique': { params: ['array'], apply: ([a]) => unique(list(a)) },
  'States.Base64Encode': {
    params: ['string'],
    check: (_index, v) => lengthProblem('States.Base64Encode', 'encode', v),
    // Stryker disable next-line StringLiteral: Buffer.from with an empty encoding name defaults to utf8
    apply: ([s]) => Buffer.from(str(s), 'utf8').toString('base64'),
  },
  'States.Base64Decode': {
    params: ['string'],
    check: (_index, v) => lengthProblem('States.Base64Decode', 'decode', v),
    apply: ([s]) => base64Decode(str(s)),
  },
  // The specification hashes "the stringified version of the first argument"; AWS says "the data
  // you provide must be an object string", so dfchain takes a string, as before.
  'States.Hash': {
    params: ['string', 'string'],
    check: (i, v) => (i === 0 ? lengthProblem('States.Hash', 'hash', v) : algorithmProblem(v)),
    apply: ([s, a]) => hash(str(s), str(a)),
  },
  // The specification also has a deep merge (third argument true); AWS: "Step Functions only
  // supports the shallow merging mode; therefore, you must specify the boolean value as false".
  'States.JsonMerge': {
    params: ['object', 'object', 'boolean'],
    check: (i, v) =>
      i === 2 && v !== false
        ? 'States.JsonMerge argument 3 must be false: AWS Step Functions merges shallowly only (the deep merge of true is refused there), so write false'
        : undefined,
    apply: ([a, b]) => mergeShallow(obj(a), obj(b)),
  },
  // AWS: "a random number between the specified start number (inclusive) and end number
  // (exclusive)"; with a seed, "the same seed value … will return identical numbers".
  'States.MathRandom': {
    params: ['number', 'number', 'number'],
    optional: 1,
    across: ([s, e]) =>
      int(s) < int(e)
        ? undefined
        : `States.MathRandom: the start (argument 1, ${shown(num(s))}) must be less than the end (argument 2, ${shown(num(e))}), which is never drawn; raise the end`,
    apply: ([s, e, seed], random) => {
      const bytes = seed === undefined ? random.next() : sha256(String(int(seed)));
      return integerFromBytes(bytes, int(s), int(e));
    },
  },
  'States.MathAdd': {
    params: ['number', 'number'],
    check: (i, v) =>
      int(v) < MATH_ADD_MIN || int(v) > MATH_ADD_MAX
        ? `States.MathAdd argument ${i + 1} must be between ${MATH_ADD_MIN} and ${MATH_ADD_MAX} (the 32-bit range AWS Step Functions accepts), got ${shown(num(v))}`
        : undefined,
    apply: ([a, b]) => int(a) + int(b),
  },
  'States.StringSplit': {
    params: ['string', 'string'],
    // Every character of the second argument is a delimiter (AWS's example splits
    // "This.is+a,test=string" at ".+,="); empty pieces are dropped, as LocalStack does.
    apply: ([s, d]) => [...str(s)].reduce(splitter([...str(d)]), ['']).filter((p) => p !== ''),
  },
  'States.UUID': { params: [], apply: (_, random) => uuidFromBytes(random.next()) },
};

/** A problem with calling `name` with `count` arguments, or undefined. */
export function arityProblem(name: IntrinsicName, count: number): string | undefined {
  const { params, rest, optional = 0 } = SPECS[name];
  const least = params.length - optional;
  if (rest === undefined && (count < least || count > params.length)) {
    const takes = optional > 0 ? `${least} or ${params.length}` : `${params.length}`;
    return `${name} takes ${takes} argument${params.length === 1 ? '' : 's'}, got ${count}`;
  }
  if (count < least) return `${name} takes at least ${least} argument(s), got ${count}`;
  return undefined;
}

/** A problem with `value` as argument `index` (0-based) of `name`, or undefined. */
export function argumentProblem(
  name: IntrinsicName,
  index: number,
  value: Json,
): string | undefined {
  const spec = SPECS[name];
  const kind = spec.params[index] ?? spec.rest ?? 'any';
  if (!hasKind(kind, value))
    return `${name} argument ${index + 1} must be ${article(kind)}, got ${describeJson(value)}`;
  if (kind === 'number' && !Number.isSafeInteger(int(value))) {
    return `${name} argument ${index + 1} must be between ${-Number.MAX_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}, got ${describeJson(value)}`;
  }
  if (index >= spec.params.length) return undefined;
  return spec.check?.(index, value);
}

/**
 * A problem across the arguments of `name` (such as a range too long), or undefined. Only
 * meaningful once the arity and each argument are right.
 */
export function acrossProblem(name: IntrinsicName, args: readonly Json[]): string | undefined {
  return SPECS[name].across?.(args);
}

/**
 * Calls intrinsic `name`; throws PathError on a wrong argument. States.UUID and
 * States.MathRandom draw from `random` (see IntrinsicRandom).
 */
export function applyIntrinsic(
  name: IntrinsicName,
  args: readonly Json[],
  random: IntrinsicRandom = new IntrinsicRandom(''),
): Json {
  const problem =
    arityProblem(name, args.length) ??
    args.map((a, i) => argumentProblem(name, i, a)).find(Boolean) ??
    acrossProblem(name, args);
  if (problem) throw new PathError(problem);
  return SPECS[name].apply(args, random);
}

/** describeJson, which would call Infinity (JSON.parse('1e999')) `number null`. */
function describeJson(value: Json): string {
  return typeof value === 'number' && !Number.isFinite(value)
    ? `number ${value}`
    : describeJsonValue(value);
}

function hasKind(kind: ArgumentKind, value: Json): boolean {
  switch (kind) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return Number.isSafeInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'array':
      return Array.isArray(value);
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value);
    case 'boolean':
      return typeof value === 'boolean';
    default:
      return true;
  }
}

function article(kind: ArgumentKind): string {
  return kind === 'array' || kind === 'integer' || kind === 'object' ? `an ${kind}` : `a ${kind}`;
}

/** `number 2.6, which rounds to 3`, or `number 3`. */
function shown(value: number): string {
  const rounded = roundArgument(value);
  return rounded === value
    ? describeJson(value)
    : `${describeJson(value)}, which rounds to ${rounded}`;
}

function chunkSizeProblem(value: number): string {
  return `States.ArrayPartition argument 2 (the chunk size) must be 1 or more, got ${shown(value)}; write the number of items each chunk holds`;
}

function stepProblem(value: number): string {
  return `States.ArrayRange argument 3 (the step) must not be 0, got ${shown(value)}; count up with a positive step, down with a negative one`;
}

function lengthProblem(name: string, verb: string, value: Json): string | undefined {
  const length = str(value).length;
  if (length <= MAX_STRING_ARGUMENT) return undefined;
  return `${name} argument 1 has ${length} characters, more than the ${MAX_STRING_ARGUMENT} allowed; ${verb} a shorter string`;
}

function algorithmProblem(value: Json): string | undefined {
  if (Object.hasOwn(HASH_ALGORITHMS, str(value))) return undefined;
  return `States.Hash algorithm ${JSON.stringify(value)} is not one of ${Object.keys(HASH_ALGORITHMS).join(', ')}`;
}

function stringToJson(text: string): Json {
  const { syntaxError, tooDeep } = scanJson(text, MAX_VALUE_DEPTH);
  if (tooDeep) {
    throw new PathError(
      `States.StringToJson: argument 1 is nested deeper than ${MAX_VALUE_DEPTH} levels (at line ${tooDeep.line}, column ${tooDeep.column}), the most dfchain evaluates; flatten the JSON`,
    );
  }
  if (syntaxError) {
    throw new PathError(
      `States.StringToJson: argument 1 is not valid JSON (${syntaxError.reason} at line ${syntaxError.line}, column ${syntaxError.column})`,
    );
  }
  return JSON.parse(text) as Json;
}

function jsonToString(value: Json): string {
  // JSON.stringify recurses: checked first so a deep value is a PathError, never a RangeError.
  if (jsonDepth(value, MAX_VALUE_DEPTH) > MAX_VALUE_DEPTH) {
    throw new PathError(
      `States.JsonToString: argument 1 is nested deeper than ${MAX_VALUE_DEPTH} levels, the most dfchain evaluates; flatten it`,
    );
  }
  return JSON.stringify(value);
}

function getItem(array: readonly Json[], index: number): Json {
  const item = array[index];
  if (index < 0 || item === undefined) {
    throw new PathError(
      `States.ArrayGetItem: index ${index} is out of range (the array has ${array.length} item${array.length === 1 ? '' : 's'})`,
    );
  }
  return item;
}

function splitter(delimiters: readonly string[]): (acc: string[], c: string) => string[] {
  return (acc, c) => {
    if (delimiters.includes(c)) acc.push('');
    else acc[acc.length - 1] += c;
    return acc;
  };
}

function base64Decode(text: string): string {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) {
    throw new PathError(
      `States.Base64Decode: argument 1 is not valid base64 (${JSON.stringify(text.slice(0, 40))})`,
    );
  }
  return Buffer.from(text, 'base64').toString('utf8');
}

function hash(data: string, algorithm: string): string {
  return createHash(HASH_ALGORITHMS[algorithm]!).update(data, 'utf8').digest('hex');
}
