import type { Json } from '../json.js';

/**
 * What the validator knows of a value before the chain runs: nothing (`any`: the user's data),
 * an object whose fields are known (all of them when `closed`, some when open), an array of
 * known items, or a scalar. `origin` names where an object comes from, for messages, such as
 * "the result of Task Ingest (dataflow:flexTemplate)".
 */
export type Shape =
  | { readonly kind: 'any' }
  | {
      readonly kind: 'object';
      readonly fields: ReadonlyMap<string, Shape>;
      readonly closed: boolean;
      readonly origin?: string;
    }
  | { readonly kind: 'array'; readonly items: readonly Shape[] }
  | { readonly kind: 'scalar'; readonly type: 'string' | 'number' | 'boolean' | 'null' };

/** The shape nothing is known of. */
export const ANY: Shape = { kind: 'any' };

/** A string, a number: a value with no fields. */
export const STRING: Shape = { kind: 'scalar', type: 'string' };

/** An object whose fields are exactly `fields` (closed) or at least them (open). */
export function objectShape(
  fields: Iterable<readonly [string, Shape]>,
  closed: boolean,
  origin?: string,
): Shape {
  return {
    kind: 'object',
    fields: new Map(fields),
    closed,
    ...(origin === undefined ? {} : { origin }),
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

/** True when `a` and `b` describe the same values with the same origins. */
export function sameShape(a: Shape, b: Shape): boolean {
  if (a === b) return true;
  if (a.kind === 'any' || b.kind === 'any') return a.kind === b.kind;
  if (a.kind === 'scalar') return b.kind === 'scalar' && a.type === b.type;
  if (a.kind === 'array') {
    return (
      b.kind === 'array' &&
      a.items.length === b.items.length &&
      a.items.every((item, i) => sameShape(item, b.items[i]!))
    );
  }
  if (b.kind !== 'object' || a.closed !== b.closed || a.origin !== b.origin) return false;
  if (a.fields.size !== b.fields.size) return false;
  for (const [key, field] of a.fields) {
    const other = b.fields.get(key);
    if (other === undefined || !sameShape(field, other)) return false;
  }
  return true;
}

/**
 * The shape of a value reached from several places: the shape itself when every place gives
 * the same, else nothing known (a join of different shapes is not guessed at).
 */
export function joinShapes(a: Shape | undefined, b: Shape): Shape {
  if (a === undefined) return b;
  return sameShape(a, b) ? a : ANY;
}

/** What a value of this shape is, for messages: "an object", "a string". */
export function shapeKind(shape: Shape): string {
  if (shape.kind === 'object') return 'an object';
  if (shape.kind === 'array') return 'an array';
  if (shape.kind === 'scalar') return shape.type === 'null' ? 'null' : `a ${shape.type}`;
  return 'a value';
}
