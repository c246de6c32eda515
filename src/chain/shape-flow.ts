import type { Json } from '../json.js';
import { PathError } from '../errors.js';
import type { PathSegment, ReferencePath } from './ast.js';
import { parsePath, parsePathExpression } from './paths.js';
import { ANY, lostShape, objectShape, shapeOfJson, type Shape } from './shape.js';
import { lookupShape } from './shape-path.js';

/** The parsed path `text`, or undefined when it does not parse (other checks report that). */
function parsed(text: string): ReferencePath | undefined {
  try {
    return parsePath(text);
  } catch (error) {
    if (error instanceof PathError) return undefined;
    throw error;
  }
}

/** What `path` selects in `shape`; unknown when that is not known here (a `$$` path too). */
function selected(path: ReferencePath, shape: Shape): Shape {
  if (path.root === '$$') return ANY;
  return lookupShape(path, shape, '').shape ?? ANY;
}

/**
 * ASL InputPath and OutputPath on a value of shape `shape` (engine: io.ts selectPath): absent
 * keeps it, `null` gives `{}`, a path selects part of it.
 */
export function selectShape(shape: Shape, path: unknown): Shape {
  if (path === undefined) return shape;
  if (path === null) return objectShape([], true);
  if (typeof path !== 'string') return ANY;
  const reference = parsed(path);
  return reference === undefined ? ANY : selected(reference, shape);
}

/** The shape of the value a `.$` expression gives: a path's target; an intrinsic's is not known. */
function expressionShape(text: Json, input: Shape): Shape {
  if (typeof text !== 'string') return ANY;
  try {
    const expression = parsePathExpression(text);
    return expression.kind === 'path' ? selected(expression, input) : ANY;
  } catch (error) {
    if (error instanceof PathError) return ANY;
    throw error;
  }
}

/**
 * The shape of a payload template resolved with `$` of shape `input` (engine: parameters.ts
 * resolveParameters): its fixed fields as written, each `key.$` as `key` with the shape of what
 * its expression gives.
 */
export function templateShape(template: Json, input: Shape, origin?: string): Shape {
  if (Array.isArray(template))
    return { kind: 'array', items: template.map((item) => templateShape(item, input)) };
  if (template === null || typeof template !== 'object') return shapeOfJson(template);
  const fields = new Map<string, Shape>();
  for (const [key, value] of Object.entries(template)) {
    if (key.endsWith('.$')) fields.set(key.slice(0, -2), expressionShape(value, input));
    else fields.set(key, templateShape(value, input));
  }
  return objectShape(fields, true, origin);
}

/**
 * `target` with `value` placed at `segments` (engine: paths.ts setAtPath, for ResultPath): a
 * missing field of a closed object is created as an object; the fields an open object may
 * hold besides its known ones stay unknown. Undefined wherever the engine would fail
 * (ResultPathMatchFailure) or the place is not known. A container that changes loses its
 * origin: it is no longer what it was.
 */
function placed(target: Shape, segments: readonly PathSegment[], value: Shape): Shape | undefined {
  const [segment, ...rest] = segments;
  if (segment === undefined) return value;
  if (segment.kind === 'index') {
    const item = target.kind === 'array' ? target.items[segment.index] : undefined;
    const inner = item === undefined ? undefined : placed(item, rest, value);
    if (target.kind !== 'array' || inner === undefined) return undefined;
    const items = [...target.items];
    items[segment.index] = inner;
    return { kind: 'array', items };
  }
  if (target.kind === 'any') {
    // Whatever the input is, it must be an object to take the field: other fields unknown
    // (and lost, if the input was).
    const inner = placed(target.lost === undefined ? ANY : target, rest, value);
    if (inner === undefined) return undefined;
    return objectShape([[segment.name, inner]], false, undefined, target.lost);
  }
  if (target.kind !== 'object') return undefined;
  const existing = target.fields.get(segment.name);
  let inner: Shape | undefined;
  if (existing !== undefined) inner = placed(existing, rest, value);
  else if (target.closed) inner = placed(objectShape([], true), rest, value);
  else inner = placed(target.lost === undefined ? ANY : lostShape(target.lost), rest, value);
  if (inner === undefined) return undefined;
  const fields = new Map(target.fields);
  fields.set(segment.name, inner);
  return objectShape(fields, target.closed, undefined, target.lost);
}

/**
 * ASL ResultPath (engine: io.ts applyResultPath): absent or `$` gives the result, `null` the
 * input, a path the input with the result placed there.
 */
export function resultPathShape(input: Shape, result: Shape, path: unknown): Shape {
  if (path === undefined) return result;
  if (path === null) return input;
  if (typeof path !== 'string') return ANY;
  const reference = parsed(path);
  if (reference === undefined || reference.root !== '$') return ANY;
  return placed(input, reference.segments, result) ?? ANY;
}
