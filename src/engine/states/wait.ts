import type { WaitState } from '../../chain/types.js';
import type { Json } from '../../json.js';
import { ERROR_NAMES } from '../error-names.js';
import { selectPath } from '../io.js';
import { scoped, timerName } from '../names.js';
import { StateError } from '../state-error.js';
import { parseTimestamp } from '../timestamp.js';
import { WAITING, type Outcome, type StateRun } from './outcome.js';

function bad(run: StateRun<WaitState>, field: string, wanted: string, got: Json): StateError {
  return new StateError({
    Error: ERROR_NAMES.runtime,
    Cause: `${run.at.place}.${field}: must select ${wanted}, got ${JSON.stringify(got)}`,
  });
}

/** Epoch milliseconds the Wait is due, from whichever of its four fields is set. */
function dueMs(run: StateRun<WaitState>, effective: Json, now: number): number {
  const { Seconds, Timestamp, SecondsPath, TimestampPath } = run.state;
  if (Seconds !== undefined) return now + Seconds * 1000;
  if (Timestamp !== undefined) return toSecond(parseTimestamp(Timestamp) ?? now);
  if (SecondsPath !== undefined) {
    const value = selectPath(effective, SecondsPath, run.at, 'SecondsPath');
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
      throw bad(run, 'SecondsPath', 'a non-negative integer', value);
    return now + value * 1000;
  }
  const value = selectPath(effective, TimestampPath ?? '$', run.at, 'TimestampPath');
  const ms = typeof value === 'string' ? parseTimestamp(value) : undefined;
  if (ms === undefined)
    throw bad(run, 'TimestampPath', 'an RFC 3339 timestamp such as "2026-12-01T06:00:00Z"', value);
  return toSecond(ms);
}

/** AWS "considers the time value up to seconds and truncates milliseconds" (Wait state docs). */
function toSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

/** Wait: due now or earlier passes at once; otherwise a timer hands the input on when due. */
export function runWait(run: StateRun<WaitState>, effective: Json): Outcome {
  const { d, frame } = run;
  const now = Date.parse(d.now);
  const due = dueMs(run, effective, now);
  if (due <= now) return { kind: 'result', result: effective };
  const dueAt = new Date(due).toISOString();
  d.addTimer(timerName(d.fixed.nonce ?? '', 'wait', run.key, frame.attempt), {
    kind: 'wait',
    scope: run.scope,
    state: run.name,
    attempt: frame.attempt,
    dueAt,
    output: effective,
  });
  d.setFrame(run.scope, { ...frame, wait: 'timer' });
  d.event({ event: 'state.waiting', state: run.name, ...scoped(run.scope), dueAt });
  return WAITING;
}
