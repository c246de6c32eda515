/** The segments of a JSON pointer such as `/States/Ingest/Next`. */
export function pointerSegments(pointer: string): string[] {
  // Stryker disable next-line ConditionalExpression,StringLiteral: ''.split('/').slice(1) is [] too, so without this early return (or with it on another string) the result is the same
  if (pointer === '') return [];
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The value at `segments` inside `data`, or undefined. */
export function valueAt(data: unknown, segments: readonly string[]): unknown {
  let node = data;
  for (const segment of segments) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

/** Dot form of a path inside `data`: `States.Ingest.Parameters`, `a.list[0]`. */
export function dotPath(data: unknown, segments: readonly string[]): string {
  let path = '';
  let node = data;
  for (const segment of segments) {
    path = Array.isArray(node) ? `${path}[${segment}]` : joinPath(path, segment);
    node =
      node !== null && typeof node === 'object'
        ? (node as Record<string, unknown>)[segment]
        : undefined;
  }
  return path;
}

/** `parent.child`, or `child` at the top level. */
export function joinPath(parent: string, child: string): string {
  return parent === '' ? child : `${parent}.${child}`;
}
