/** What a follower writes to: the raw stream (redraws need text without a newline). */
export interface Screen {
  write(text: string): void;
  /** The terminal's width, for how many rows a long line takes. */
  columns(): number;
  /** The terminal's height, when known: what is taller cannot be redrawn in place. */
  rows?(): number;
}

/** How a follower draws: colour and spinner, and whether it redraws in place. */
export interface Style {
  /** Redraw in place (a terminal); else print only changes, one line each. */
  readonly redraw: boolean;
  readonly color: boolean;
  readonly spinner: boolean;
}

/**
 * Colour and spinners only on a terminal, never with --json, never when NO_COLOR is set to
 * anything but the empty string (https://no-color.org: "when present and not an empty string,
 * prevents the addition of ANSI color"); redraws only on a terminal without --json.
 */
export function styleFor(tty: boolean, json: boolean, env: NodeJS.ProcessEnv): Style {
  const redraw = tty && !json;
  const decorate = redraw && !env['NO_COLOR'];
  return { redraw, color: decorate, spinner: decorate };
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** The spinner's frame for tick `n`, or nothing without a spinner. */
export function spinnerFrame(style: Style, n: number): string {
  return style.spinner ? `${SPINNER[n % SPINNER.length] ?? ''} ` : '';
}

const COLORS: Readonly<Record<string, number>> = {
  SUCCEEDED: 32,
  FAILED: 31,
  CANCELLED: 33,
  LAUNCHED: 36,
  RUNNING: 36,
};

/** `text` in the colour of `status` (green succeeded, red failed, yellow cancelled), if colour is on. */
export function paint(text: string, status: string | undefined, style: Style): string {
  const color = status === undefined ? undefined : COLORS[status];
  return style.color && color !== undefined ? `\x1b[${color}m${text}\x1b[0m` : text;
}

/** Visible length: without the colour escapes. */
function visible(text: string): number {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, '').length;
}

/**
 * The last lines of a terminal, redrawn in place: lines printed through it scroll above, the
 * live lines stay at the bottom. Only with Style.redraw; otherwise nothing is erased.
 */
export class LiveArea {
  private rows = 0;

  constructor(private readonly screen: Screen) {}

  /** Replaces the live lines with `lines`. */
  show(lines: readonly string[]): void {
    this.erase();
    if (lines.length === 0) return;
    this.screen.write(`${lines.join('\n')}\n`);
    const width = Math.max(1, this.screen.columns());
    this.rows = lines.reduce((n, line) => n + Math.max(1, Math.ceil(visible(line) / width)), 0);
  }

  /** Prints `lines` for good above the live lines, which are drawn again under them. */
  print(lines: readonly string[], live: readonly string[]): void {
    this.erase();
    if (lines.length > 0) this.screen.write(`${lines.join('\n')}\n`);
    this.show(live);
  }

  /** Takes the live lines away (before the last output, or on exit); true if there were any. */
  erase(): boolean {
    const shown = this.rows > 0;
    // Up to the first live row, then clear to the end of the screen (ECMA-48 CUU and ED).
    if (shown) this.screen.write(`\x1b[${this.rows}A\x1b[0J`);
    this.rows = 0;
    return shown;
  }
}
