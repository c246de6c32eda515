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
  readonly duplicateKeys: readonly DuplicateKey[];
}

/** Unwinds the scanner at the first syntax error. */
class Stop extends Error {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WORDS = ['true', 'false', 'null'] as const;

/**
 * Checks JSON syntax with messages that do not depend on the Node.js version, and finds
 * duplicate keys (a state written twice would otherwise vanish without a word).
 */
export function scanJson(text: string): JsonScan {
  const duplicateKeys: DuplicateKey[] = [];
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
  const value = (path: string): void => {
    space();
    const c = text[pos];
    if (c === '{') return object(path);
    if (c === '[') return array(path);
    if (c === '"') return void string();
    NUMBER.lastIndex = pos;
    if (c !== undefined && '-0123456789'.includes(c) && NUMBER.test(text)) {
      pos = NUMBER.lastIndex;
      return;
    }
    const word = WORDS.find((w) => text.startsWith(w, pos));
    if (word) {
      pos += word.length;
      return;
    }
    unexpected('a value');
  };
  const object = (path: string): void => {
    pos++;
    const seen = new Set<string>();
    space();
    if (text[pos] === '}') return void pos++;
    for (;;) {
      space();
      if (text[pos] === '}') fail('trailing comma before "}": remove it');
      if (text[pos] !== '"') unexpected('a property name in double quotes');
      const key = string();
      if (seen.has(key)) duplicateKeys.push({ path, key });
      seen.add(key);
      space();
      if (text[pos] !== ':') unexpected('":"');
      pos++;
      value(path === '' ? key : `${path}.${key}`);
      space();
      if (text[pos] === '}') return void pos++;
      if (text[pos] !== ',') unexpected('"," or "}"');
      pos++;
    }
  };
  const array = (path: string): void => {
    pos++;
    space();
    if (text[pos] === ']') return void pos++;
    for (let i = 0; ; i++) {
      space();
      if (text[pos] === ']') fail('trailing comma before "]": remove it');
      value(`${path}[${i}]`);
      space();
      if (text[pos] === ']') return void pos++;
      if (text[pos] !== ',') unexpected('"," or "]"');
      pos++;
    }
  };

  try {
    value('');
    space();
    if (pos < text.length)
      fail(`unexpected ${JSON.stringify(text[pos])} after the end of the JSON value`);
    return { duplicateKeys };
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
    const before = text.slice(0, error.offset).split('\n');
    const line = before.length;
    const column = before[line - 1]!.length + 1;
    return { syntaxError: { line, column, reason: error.reason }, duplicateKeys };
  }
}
