import type { Json } from '../json.js';

/**
 * What the validator knows of a value before the chain runs: nothing (`any`: the user's data),
 * an object whose fields are known (all of them when `closed`, some when open), an array of
 * known items, or a scalar. `origin` names where an object comes from, for messages, such as
 * "the result of Task Ingest (dataflow:flexTemplate)". `lost` says why a value that was known
 * (from a Task's result) no longer is here: a path into it earns a warning, not silence. On an
 * open object it is said of the fields besides the known ones.
 */
export type Shape =
  | { readonly kind: 'any'; readonly lost?: string }
  | {
      readonly kind: 'object';
      readonly fields: ReadonlyMap<string, Shape>;
      readonly closed: boolean;
      readonly origin?: string;
      readonly lost?: string;
    }
  | { readonly kind: 'array'; readonly items: readonly Shape[] }
  | { readonly kind: 'scalar'; readonly type: 'string' | 'number' | 'boolean' | 'null' };

/** The shape nothing is known of. */
export const ANY: Shape = { kind: 'any' };

/** A value that was known but no longer is, for `reason` (worded to follow "cannot be checked: "). */
export function lostShape(reason: string): Shape {
  return { kind: 'any', lost: reason };
}

/** A string, a number: a value with no fields. */
export const STRING: Shape = { kind: 'scalar', type: 'string' };

/** An object whose fields are exactly `fields` (closed) or at least them (open). */
export function objectShape(
  fields: Iterable<readonly [string, Shape]>,
  closed: boolean,
  origin?: string,
  lost?: string,
): Shape {
  return {
    kind: 'object',
    fields: new Map(fields),
    closed,
    ...(origin === undefined ? {} : { origin }),
    ...(lost === undefined || closed ? {} : { lost }),
  };
}

/** The shape of a literal JSON value: everything in it is known. */
export function shapeOfJson(value: Json, origin?: string): Shape {
  if (value === null) return { kind: 'scalar', type: 'null' };
  if (Array.isArray(value)) return { kind: 'array', items: value.map((item) => shapeOfJson(item)) };
  if (typeof value === 'object') {
    return objectShape(
      Object.entries(value).map(([key, item]) => [key, shapeOfJson(item)] as const),
      true,
      origin,
    );
  }
  return { kind: 'scalar', type: typeof value as 'string' | 'number' | 'boolean' };
}

/** `shape` with another origin (objects only: the others carry none). */
export function withOrigin(shape: Shape, origin: string): Shape {
  return shape.kind === 'object' ? { ...shape, origin } : shape;
}

/** True when `a` and `b` describe the same values with the same origins (and reasons for loss). */
export function sameShape(a: Shape, b: Shape): boolean {
  if (a === b) return true;
  if (a.kind === 'any' || b.kind === 'any')
    return a.kind === 'any' && b.kind === 'any' && a.lost === b.lost;
  if (a.kind === 'scalar') return b.kind === 'scalar' && a.type === b.type;
  if (a.kind === 'array') {
    return (
      b.kind === 'array' &&
      a.items.length === b.items.length &&
      a.items.every((item, i) => sameShape(item, b.items[i]!))
    );
  }
  if (b.kind !== 'object' || a.closed !== b.closed || a.origin !== b.origin) return false;
  if (a.lost !== b.lost) return false;
  if (a.fields.size !== b.fields.size) return false;
  for (const [key, field] of a.fields) {
    const other = b.fields.get(key);
    if (other === undefined || !sameShape(field, other)) return false;
  }
  return true;
}

/**
 * True when `shape` holds something known from a Task's result (its origin says so), or
 * something that was known and is lost: what a warning is worth giving for when it is lost.
 */
export function fromTask(shape: Shape): boolean {
  if (shape.kind === 'any') return shape.lost !== undefined;
  if (shape.kind === 'scalar') return false;
  if (shape.kind === 'array') return shape.items.some(fromTask);
  if (shape.lost !== undefined || shape.origin?.startsWith('the result of Task ')) return true;
  return [...shape.fields.values()].some(fromTask);
}

/**
 * The shape of a value reached from several places: the shape itself when every place gives
 * the same, else nothing known (a join of different shapes is not guessed at). That unknown is
 * lost, not merely unknown, when a side held something from a Task: with the reason a side
 * already gave (the first one, so that joining again changes nothing), else `reason`.
 */
export function joinShapes(a: Shape | undefined, b: Shape, reason?: string): Shape {
  if (a === undefined) return b;
  if (sameShape(a, b)) return a;
  const why =
    topLost(a) ??
    topLost(b) ??
    (reason !== undefined && (fromTask(a) || fromTask(b)) ? reason : undefined);
  return why === undefined ? ANY : lostShape(why);
}

/** The reason `shape` itself (not a field of it) carries for being lost. */
function topLost(shape: Shape): string | undefined {
  return shape.kind === 'any' || shape.kind === 'object' ? shape.lost : undefined;
}

/** What a value of this shape is, for messages: "an object", "a string". */
export function shapeKind(shape: Shape): string {
  if (shape.kind === 'object') return 'an object';
  if (shape.kind === 'array') return 'an array';
  if (shape.kind === 'scalar') return shape.type === 'null' ? 'null' : `a ${shape.type}`;
  return 'a value';
}
