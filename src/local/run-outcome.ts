import type { FunctionExit, FunctionLine, FunctionProcess } from './function-process.js';

/** How a run the local runner started came to an end, as the function's process showed it. */
export type RunOutcome =
  | { readonly kind: 'ended'; readonly event: 'run.succeeded' | 'run.failed' }
  /** The function acknowledged the start without running it (unknown chain, bad input, …). */
  | { readonly kind: 'rejected'; readonly reason: string }
  /** functions-framework exited: nothing will ever end the run. */
  | { readonly kind: 'function-exited'; readonly exit: FunctionExit; readonly output: string };

// The handler names the message it gives up on in its text only ("(message ID acknowledged; …)",
// "ignored malformed message ID: …"): the id as a whole word, so message 1 is not message 17.
const refersTo = (text: string, messageId: string): boolean =>
  text
    .split(/[^A-Za-z0-9_-]+/)
    .some((word, i, words) => word === messageId && words[i - 1] === 'message');

/**
 * What `line` says about run `runId`, started by message `messageId`: its end, the function's
 * refusal of that message (`message.rejected`, or `message.ignored` for a start it could not
 * read), or nothing.
 */
export function outcomeOf(
  line: FunctionLine,
  runId: string,
  messageId: string,
): RunOutcome | undefined {
  const json = line.json;
  if (json === undefined) return undefined;
  const event = json['event'];
  if (json['runId'] === runId && (event === 'run.succeeded' || event === 'run.failed')) {
    return { kind: 'ended', event };
  }
  if (event !== 'message.rejected' && event !== 'message.ignored') return undefined;
  const message = typeof json['message'] === 'string' ? json['message'] : '';
  if (json['runId'] !== runId && !refersTo(message, messageId)) return undefined;
  return { kind: 'rejected', reason: message };
}

/** The last `count` lines the function printed, for a report of why it exited. */
export function lastOutput(lines: readonly FunctionLine[], count = 30): string {
  return lines
    .slice(-count)
    .map((line) => line.text)
    .join('\n');
}

/**
 * Resolves with the outcome of run `runId` (started by message `messageId`): its end, the
 * function's refusal of the start, or the function's process exiting; past lines count, so a
 * refusal logged before the caller got here is not missed. Rejects after `timeoutMs`.
 */
export function waitForRunOutcome(
  fn: Pick<FunctionProcess, 'lines' | 'exits' | 'onLine' | 'onExit'>,
  runId: string,
  messageId: string,
  timeoutMs: number,
): Promise<RunOutcome> {
  return new Promise((resolve, reject) => {
    const exited = (exit: FunctionExit): RunOutcome => ({
      kind: 'function-exited',
      exit,
      output: lastOutput(fn.lines),
    });
    for (const line of fn.lines) {
      const outcome = outcomeOf(line, runId, messageId);
      if (outcome) return resolve(outcome);
    }
    const exit = fn.exits.at(-1);
    if (exit) return resolve(exited(exit));
    const settle = (outcome: RunOutcome) => {
      offLine();
      offExit();
      clearTimeout(timer);
      resolve(outcome);
    };
    const offLine = fn.onLine((line) => {
      const outcome = outcomeOf(line, runId, messageId);
      if (outcome) settle(outcome);
    });
    const offExit = fn.onExit((exit) => settle(exited(exit)));
    const timer = setTimeout(() => {
      offLine();
      offExit();
      reject(
        new Error(
          `run ${runId} did not end within ${timeoutMs / 1000} s, and the function neither refused its start nor exited: read its lines above; a longer chain runs with --keep, then dfchain status ${runId}`,
        ),
      );
    }, timeoutMs);
  });
}
