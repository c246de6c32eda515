/** How far a backfill is: runs ended (by outcome), running now, and not started yet. */
export interface BackfillCounts {
  readonly total: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly cancelled: number;
  readonly running: number;
}

/** Where progress goes: a redrawn bar on a terminal, else one plain line per event. */
export interface ProgressSink {
  /** A terminal (stderr): the bar is redrawn in place with `\r`. */
  readonly tty?: { write(text: string): void };
  /** One line (stderr), when there is no terminal. */
  readonly line: (text: string) => void;
}

const WIDTH = 24;

/** `[#########...............] 4/10 ended · 3 running · 1 failed`. */
export function progressBar(counts: BackfillCounts): string {
  const ended = counts.succeeded + counts.failed + counts.cancelled;
  const filled = counts.total === 0 ? WIDTH : Math.floor((ended / counts.total) * WIDTH);
  const problems = [
    counts.failed > 0 ? `${counts.failed} failed` : '',
    counts.cancelled > 0 ? `${counts.cancelled} cancelled` : '',
  ].filter((part) => part !== '');
  return [
    `[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${ended}/${counts.total} ended`,
    `${counts.running} running`,
    ...problems,
  ].join(' · ');
}

/** Reports a backfill's progress to `sink`: `event` for what happened, `done` at the end. */
export class BackfillProgress {
  private drawn = false;

  constructor(private readonly sink: ProgressSink) {}

  /** Something happened (`what`, a plain line), and the counts now. */
  event(what: string, counts: BackfillCounts): void {
    const tty = this.sink.tty;
    if (tty === undefined) {
      this.sink.line(what);
      return;
    }
    // Erase the line and draw the bar again: no scrolling log on a terminal.
    tty.write(`\r\u001b[K${progressBar(counts)}`);
    this.drawn = true;
  }

  /** Ends the bar's line, so what is printed next starts on a line of its own. */
  done(): void {
    if (this.drawn) this.sink.tty?.write('\n');
    this.drawn = false;
  }
}
