import { createHash } from 'node:crypto';
import { PathError } from '../errors.js';
import type { Json } from '../json.js';
import { format } from './intrinsic-format.js';
import { describeJson, sameJson } from './json-value.js';
import { MAX_VALUE_DEPTH, jsonDepth } from './json-depth.js';
import { scanJson } from './json-syntax.js';

/** The intrinsic functions dfchain evaluates. */
export const INTRINSIC_NAMES = [
  'States.Format',
  'States.StringToJson',
  'States.JsonToString',
  'States.Array',
  'States.ArrayGetItem',
  'States.ArrayLength',
  'States.ArrayContains',
  'States.MathAdd',
  'States.StringSplit',
  'States.Base64Encode',
  'States.Base64Decode',
  'States.Hash',
] as const;

/** An intrinsic function dfchain evaluates. */
export type IntrinsicName = (typeof INTRINSIC_NAMES)[number];

/** ASL intrinsics dfchain does not evaluate, with the reason. */
export const UNSUPPORTED_INTRINSICS: Readonly<Record<string, string>> = {
  'States.UUID':
    'is not supported: it is random, and a replayed event must launch the very same job',
  'States.MathRandom':
    'is not supported: it is random, and a replayed event must launch the very same job',
  'States.ArrayPartition': 'is not supported in this version of dfchain',
  'States.ArrayRange': 'is not supported in this version of dfchain',
  'States.ArrayUnique': 'is not supported in this version of dfchain',
};

/** The kinds of value an intrinsic argument may be required to have. */
export const ARGUMENT_KINDS = ['string', 'integer', 'array', 'any'] as const;

/** A kind of intrinsic argument. */
export type ArgumentKind = (typeof ARGUMENT_KINDS)[number];

interface IntrinsicSpec {
  readonly params: readonly ArgumentKind[];
  /** Kind of every argument after `params`; absent: exactly `params.length` arguments. */
  readonly rest?: ArgumentKind;
  readonly apply: (args: readonly Json[]) => Json;
}

/** Hash algorithms of States.Hash, mapped to node:crypto names. */
export const HASH_ALGORITHMS: Readonly<Record<string, string>> = {
  MD5: 'md5',
  'SHA-1': 'sha1',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};

const str = (v: Json | undefined): string => v as string;
const list = (v: Json | undefined): Json[] => v as Json[];
const num = (v: Json | undefined): number => v as number;

const SPECS: Record<IntrinsicName, IntrinsicSpec> = {
  'States.Format': { params: ['string'], rest: 'any', apply: format },
  'States.StringToJson': { params: ['string'], apply: ([s]) => stringToJson(str(s)) },
  'States.JsonToString': { params: ['any'], apply: ([v]) => jsonToString(v ?? null) },
  'States.Array': { params: [], rest: 'any', apply: (args) => [...args] },
  'States.ArrayGetItem': {
    params: ['array', 'integer'],
    apply: ([a, i]) => getItem(list(a), num(i)),
  },
  'States.ArrayLength': { params: ['array'], apply: ([a]) => list(a).length },
  'States.ArrayContains': {
    params: ['array', 'any'],
    apply: ([a, v]) => list(a).some((item) => sameJson(item, v ?? null)),
  },
  'States.MathAdd': { params: ['integer', 'integer'], apply: ([a, b]) => num(a) + num(b) },
  'States.StringSplit': {
    params: ['string', 'string'],
    // Every character of the second argument is a delimiter; empty pieces are dropped (as in ASL).
    apply: ([s, d]) => [...str(s)].reduce(splitter([...str(d)]), ['']).filter((p) => p !== ''),
  },
  'States.Base64Encode': {
    params: ['string'],
    // Stryker disable next-line StringLiteral: Buffer.from with an empty encoding name defaults to utf8
    apply: ([s]) => Buffer.from(str(s), 'utf8').toString('base64'),
  },
  'States.Base64Decode': { params: ['string'], apply: ([s]) => base64Decode(str(s)) },
  'States.Hash': { params: ['string', 'string'], apply: ([s, a]) => hash(str(s), str(a)) },
};

/** A problem with calling `name` with `count` arguments, or undefined. */
export function arityProblem(name: IntrinsicName, count: number): string | undefined {
  const { params, rest } = SPECS[name];
  if (rest === undefined && count !== params.length) {
    return `${name} takes ${params.length} argument${params.length === 1 ? '' : 's'}, got ${count}`;
  }
  if (count < params.length)
    return `${name} takes at least ${params.length} argument(s), got ${count}`;
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
  const ok =
    kind === 'any' ||
    (kind === 'string' && typeof value === 'string') ||
    (kind === 'array' && Array.isArray(value)) ||
    (kind === 'integer' && Number.isSafeInteger(value));
  if (!ok)
    return `${name} argument ${index + 1} must be ${article(kind)}, got ${describeJson(value)}`;
  if (name === 'States.Hash' && index === 1 && !(str(value) in HASH_ALGORITHMS)) {
    return `States.Hash algorithm ${JSON.stringify(value)} is not one of ${Object.keys(HASH_ALGORITHMS).join(', ')}`;
  }
  return undefined;
}

/** Calls intrinsic `name`; throws PathError on a wrong argument. */
export function applyIntrinsic(name: IntrinsicName, args: readonly Json[]): Json {
  const problem =
    arityProblem(name, args.length) ??
    args.map((a, i) => argumentProblem(name, i, a)).find(Boolean);
  if (problem) throw new PathError(problem);
  return SPECS[name].apply(args);
}

function article(kind: ArgumentKind): string {
  return kind === 'array' || kind === 'integer' ? `an ${kind}` : `a ${kind}`;
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
