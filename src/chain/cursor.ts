import { PathError } from '../errors.js';

/** A position in the text of a `.$` value, for the hand-written parsers. */
export class Cursor {
  pos = 0;
  constructor(readonly text: string) {}

  /** True at the end of the text. */
  get done(): boolean {
    return this.pos >= this.text.length;
  }

  /** The character `offset` ahead, or '' past the end. */
  peek(offset = 0): string {
    return this.text[this.pos + offset] ?? '';
  }

  /** Skips blanks between intrinsic arguments. */
  skipSpaces(): void {
    while (!this.done && ' \t\n\r'.includes(this.peek())) this.pos++;
  }

  /** Throws a PathError naming the text and the 1-based character at `at`. */
  fail(message: string, at = this.pos): never {
    throw new PathError(
      `cannot parse ${JSON.stringify(this.text)} at character ${at + 1}: ${message}`,
    );
  }
}
