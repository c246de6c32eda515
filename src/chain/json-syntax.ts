/** Where a JSON text first breaks the grammar, 1-based, and why. */
export interface JsonSyntaxError {
  readonly line: number;
  readonly column: number;
  readonly reason: string;
}

/** A key that appears twice in one object: JSON.parse silently keeps only the last. */
export interface DuplicateKey {
  /** Dot path of the object holding the key; empty for the top level. */
  readonly path: string;
  readonly key: string;
}

/** What {@link scanJson} found. */
export interface JsonScan {
  readonly syntaxError?: JsonSyntaxError;
  /** Where the text first nests deeper than the scan's `maxDepth`; the scan stops there. */
  readonly tooDeep?: JsonSyntaxError;
  readonly duplicateKeys: readonly DuplicateKey[];
}

/** Unwinds the scanner at the first syntax error, or where it nests too deep. */
class Stop extends Error {
  constructor(
    readonly offset: number,
    readonly reason: string,
    readonly tooDeep = false,
  ) {
    super(reason);
  }
}

/** An object or array the scanner is inside of. */
type Frame =
  | { readonly kind: 'object'; readonly path: string; readonly seen: Set<string> }
  | { readonly kind: 'array'; readonly path: string; index: number };

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WORDS = ['true', 'false', 'null'] as const;

/**
 * Checks JSON syntax with messages that do not depend on the Node.js version, and finds
 * duplicate keys (a state written twice would otherwise vanish without a word). Iterative, with
 * an explicit stack: the text may come from a run's input (States.StringToJson), and recursion
 * over 20,000 nested brackets threw RangeError. Text nested deeper than `maxDepth` is reported
 * as `tooDeep`.
 */
export function scanJson(text: string, maxDepth = Infinity): JsonScan {
  const duplicateKeys: DuplicateKey[] = [];
  const stack: Frame[] = [];
  let pos = 0;

  const space = (): void => {
    while (pos < text.length && ' \t\n\r'.includes(text[pos]!)) pos++;
  };
  const fail = (reason: string, at = pos): never => {
    throw new Stop(at, reason);
  };
  const unexpected = (wanted: string): never => {
    if (pos >= text.length) fail(`unexpected end of file (expected ${wanted})`);
    if (text.startsWith('//', pos) || text.startsWith('/*', pos)) {
      fail('comments are not allowed in JSON; remove it');
    }
    return fail(`unexpected ${JSON.stringify(text[pos])} (expected ${wanted})`);
  };
  const string = (): string => {
    const start = pos++;
    let out = '';
    for (;;) {
      if (pos >= text.length) fail('unterminated string: close it with "', start);
      const c = text[pos]!;
      if (c === '"') break;
      if (c < ' ') fail('line break or control character inside a string: write it as \\n or \\t');
      if (c === '\\') {
        const escape = /^(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/.exec(text.slice(pos + 1, pos + 6));
        if (!escape)
          fail(
            'invalid escape in a string (use \\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t or \\uXXXX)',
          );
        out += JSON.parse(`"\\${escape![0]}"`) as string;
        pos += 1 + escape![0].length;
        continue;
      }
      out += c;
      pos++;
    }
    pos++;
    return out;
  };

  /** Reads `"key":` in the object on top of the stack; returns the path of its value. */
  const key = (frame: Frame & { kind: 'object' }): string => {
    space();
    if (text[pos] !== '"') unexpected('a property name in double quotes');
    const name = string();
    if (frame.seen.has(name)) duplicateKeys.push({ path: frame.path, key: name });
    frame.seen.add(name);
    space();
    if (text[pos] !== ':') unexpected('":"');
    pos++;
    return frame.path === '' ? name : `${frame.path}.${name}`;
  };
  /** Reads a scalar, or opens a container (pushing it): true when a whole value was read. */
  const value = (path: string): boolean => {
    space();
    const c = text[pos];
    if (c === '{' || c === '[') {
      const open = pos++;
      space();
      if (text[pos] === (c === '{' ? '}' : ']')) {
        pos++;
        return true;
      }
      if (stack.length >= maxDepth)
        throw new Stop(open, `nested deeper than ${maxDepth} levels`, true);
      stack.push(
        c === '{' ? { kind: 'object', path, seen: new Set() } : { kind: 'array', path, index: 0 },
      );
      return false;
    }
    if (c === '"') {
      string();
      return true;
    }
    NUMBER.lastIndex = pos;
    if (c !== undefined && '-0123456789'.includes(c) && NUMBER.test(text)) {
      pos = NUMBER.lastIndex;
      return true;
    }
    const word = WORDS.find((w) => text.startsWith(w, pos));
    if (word) {
      pos += word.length;
      return true;
    }
    return unexpected('a value');
  };

  try {
    let whole = value('');
    for (let frame = stack.at(-1); frame !== undefined; frame = stack.at(-1)) {
      // `frame` was just opened: read its first entry (a loop step, never a recursive call).
      if (!whole) {
        whole = value(frame.kind === 'object' ? key(frame) : `${frame.path}[0]`);
        continue;
      }
      // A value inside `frame` just ended.
      space();
      const close = frame.kind === 'object' ? '}' : ']';
      if (text[pos] === close) {
        pos++;
        stack.pop();
        continue;
      }
      if (text[pos] !== ',') unexpected(`"," or "${close}"`);
      pos++;
      space();
      if (text[pos] === close) fail(`trailing comma before "${close}": remove it`);
      if (frame.kind === 'object') whole = value(key(frame));
      else whole = value(`${frame.path}[${++frame.index}]`);
    }
    space();
    if (pos < text.length)
      fail(`unexpected ${JSON.stringify(text[pos])} after the end of the JSON value`);
    return { duplicateKeys };
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
    const before = text.slice(0, error.offset).split('\n');
    const line = before.length;
    const column = before[line - 1]!.length + 1;
    const where = { line, column, reason: error.reason };
    return error.tooDeep
      ? { tooDeep: where, duplicateKeys }
      : { syntaxError: where, duplicateKeys };
  }
}
