import type { ReferencePath } from './ast.js';
import { didYouMean } from './did-you-mean.js';
import { renderPath } from './reference-path.js';
import { ANY, lostShape, shapeKind, type Shape } from './shape.js';

/**
 * Where a path leads in a shape: the shape found, or why the path cannot resolve there. `lost`:
 * the path went on into a value that was known and no longer is, for that reason.
 */
export type ShapeLookup =
  | { readonly shape: Shape; readonly problem?: never; readonly lost?: string }
  | { readonly problem: string; readonly shape?: never; readonly lost?: never };

/**
 * Names the value the first `count` segments of `path` reach, whose shape is `shape`: its
 * origin when it has one ("the result of Task Ingest (dataflow:flexTemplate)"), else the path.
 */
export function subjectOf(path: ReferencePath, count: number, shape: Shape, root: string): string {
  const origin = shape.kind === 'object' ? shape.origin : undefined;
  if (count === 0) return origin ?? root;
  const text = renderPath(path, count);
  return origin === undefined ? text : `${text}, ${origin},`;
}

/** `(did you mean "x"?)`, naming a difference of case alone, or the fields there are. */
function fieldHint(name: string, fields: readonly string[]): string {
  const guess = didYouMean(name, fields);
  if (guess !== undefined) {
    const caseOnly = guess.toLowerCase() === name.toLowerCase();
    return ` (did you mean "${guess}"?${caseOnly ? ' Field names are case-sensitive' : ''})`;
  }
  if (fields.length === 0) return '; it has no fields';
  return `; its fields are ${fields.map((f) => `"${f}"`).join(', ')}`;
}

/**
 * Follows `path` through `shape` (the value at the path's root) as the engine's evaluatePath
 * would follow it through a value of that shape. Stops, with what it reached, where the shape
 * is no longer known; a problem only where the path is sure to fail: a field a closed object
 * lacks, a field of something that is not an object, an index of something that is not an
 * array, an index past the end of an array of known length. `root` names `shape` when it has
 * no origin ("the state input"). Where it stops in a lost value, it says why that is lost.
 */
export function lookupShape(path: ReferencePath, shape: Shape, root: string): ShapeLookup {
  let at = shape;
  for (const [i, segment] of path.segments.entries()) {
    if (at.kind === 'any')
      return at.lost === undefined ? { shape: at } : { shape: at, lost: at.lost };
    const subject = subjectOf(path, i, at, root);
    if (segment.kind === 'field') {
      if (at.kind !== 'object') return { problem: `${subject} is ${shapeKind(at)}, not an object` };
      const field = at.fields.get(segment.name);
      if (field !== undefined) {
        at = field;
        continue;
      }
      if (!at.closed) {
        // A field the open object may hold besides its known ones: lost if the rest of it is.
        if (at.lost === undefined) return { shape: ANY };
        return { shape: lostShape(at.lost), lost: at.lost };
      }
      const hint = fieldHint(segment.name, [...at.fields.keys()]);
      return { problem: `${subject} has no field "${segment.name}"${hint}` };
    }
    if (at.kind !== 'array') return { problem: `${subject} is ${shapeKind(at)}, not an array` };
    const item = at.items[segment.index];
    if (item === undefined) {
      const n = at.items.length;
      return {
        problem: `${subject} has ${n} item${n === 1 ? '' : 's'}, so [${segment.index}] is out of range`,
      };
    }
    at = item;
  }
  return { shape: at };
}
