/**
 * Cloud Storage's `matchGlob` (objects.list) applied to one object name. A bucket notification
 * filters by one object-name prefix only (notifications.insert `object_name_prefix`,
 * https://cloud.google.com/storage/docs/json_api/v1/notifications/insert), so dfchain applies a
 * Trigger's `matchGlob` itself, with the syntax objects.list documents
 * (https://cloud.google.com/storage/docs/json_api/v1/objects/list, "matchGlob"; wildcards as
 * https://cloud.google.com/storage/docs/wildcards describes them):
 *   `*`       zero or more characters within one level (not `/`)
 *   `**`      zero or more characters across levels (`/` included)
 *   `?`       one character other than `/`
 *   `[abc]`, `[a-z]`, `[!a-z]` (or `[^a-z]`)  one character of (not of) the set
 *   `{a,b}`   either alternative (alternatives may hold wildcards and nest)
 *   `\c`      the character c itself
 * A hand-written matcher rather than an npm glob library: minimatch and picomatch read
 * patterns as file paths (dot files, `!` negation, extglobs, path normalisation), which object
 * names are not.
 */

/** A glob compiled to an anchored regular expression, or what is wrong with it. */
export type CompiledGlob =
  | { readonly ok: true; readonly regex: RegExp }
  | { readonly ok: false; readonly error: string };

const REGEX_SPECIAL = /[.*+?^${}()|[\]\\/]/g;
const CLASS_SPECIAL = /[\]\\^-]/g;

function literal(char: string): string {
  return char.replace(REGEX_SPECIAL, '\\$&');
}

function classLiteral(char: string): string {
  return char.replace(CLASS_SPECIAL, '\\$&');
}

class GlobSyntaxError extends Error {}

class Parser {
  private index = 0;
  /** Code points, so that `?` and `[…]` take a character outside the BMP whole. */
  private readonly glob: readonly string[];

  constructor(text: string) {
    this.glob = Array.from(text);
  }

  /** Reads until the end, or (inside braces) up to the `,` or `}` that ends an alternative. */
  sequence(inBraces: boolean): string {
    let out = '';
    while (this.index < this.glob.length) {
      const char = this.glob[this.index]!;
      if (inBraces && (char === ',' || char === '}')) return out;
      out += this.token(char);
    }
    return out;
  }

  private token(char: string): string {
    const at = this.index;
    this.index++;
    switch (char) {
      case '\\': {
        const next = this.glob[this.index];
        if (next === undefined)
          throw new GlobSyntaxError(`"\\" at position ${at} escapes nothing (end of the glob)`);
        this.index++;
        return literal(next);
      }
      case '*':
        if (this.glob[this.index] === '*') {
          this.index++;
          return '.*';
        }
        return '[^/]*';
      case '?':
        return '[^/]';
      case '[':
        return this.charClass(at);
      case '{':
        return this.braces(at);
      default:
        return literal(char);
    }
  }

  private charClass(open: number): string {
    let negated = false;
    const first = this.glob[this.index];
    if (first === '!' || first === '^') {
      negated = true;
      this.index++;
    }
    let body = '';
    let count = 0;
    for (;;) {
      const char = this.glob[this.index];
      if (char === undefined)
        throw new GlobSyntaxError(`"[" at position ${open} is never closed with "]"`);
      // A "]" right after "[" (or "[!") is a member, as in POSIX brackets.
      if (char === ']' && count > 0) break;
      const low = char === '\\' ? this.escaped(open) : char;
      this.index++;
      count++;
      if (this.glob[this.index] === '-' && ![undefined, ']'].includes(this.glob[this.index + 1])) {
        this.index++;
        const rawHigh = this.glob[this.index]!;
        const high = rawHigh === '\\' ? this.escaped(open) : rawHigh;
        this.index++;
        if (high.codePointAt(0)! < low.codePointAt(0)!)
          throw new GlobSyntaxError(
            `range "${low}-${high}" in the "[" at position ${open} runs backwards`,
          );
        body += `${classLiteral(low)}-${classLiteral(high)}`;
      } else {
        body += classLiteral(low);
      }
    }
    this.index++;
    return negated ? `[^${body}]` : `[${body}]`;
  }

  private escaped(open: number): string {
    this.index++;
    const next = this.glob[this.index];
    if (next === undefined)
      throw new GlobSyntaxError(`"[" at position ${open} is never closed with "]"`);
    return next;
  }

  private braces(open: number): string {
    const alternatives: string[] = [];
    for (;;) {
      alternatives.push(this.sequence(true));
      const char = this.glob[this.index];
      if (char === undefined)
        throw new GlobSyntaxError(`"{" at position ${open} is never closed with "}"`);
      this.index++;
      if (char === '}') return `(?:${alternatives.join('|')})`;
    }
  }
}

/** Compiles a Cloud Storage `matchGlob` into an anchored regular expression, or says why not. */
export function compileGlob(glob: string): CompiledGlob {
  if (glob === '') return { ok: false, error: 'the glob is empty' };
  try {
    const source = new Parser(glob).sequence(false);
    return { ok: true, regex: new RegExp(`^${source}$`, 'su') };
  } catch (error) {
    if (error instanceof GlobSyntaxError) return { ok: false, error: error.message };
    throw error;
  }
}

/** True when `name` matches the Cloud Storage glob `glob` (false for a glob that does not parse). */
export function matchesGlob(glob: string, name: string): boolean {
  const compiled = compileGlob(glob);
  return compiled.ok && compiled.regex.test(name);
}
