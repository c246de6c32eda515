import { didYouMean } from '../chain/did-you-mean.js';
import { parseTimestamp } from '../engine/timestamp.js';
import type { JsonObject } from '../json.js';
import { decodeCallback, decodeHeartbeat } from './callback-command.js';
import { inputLimitProblem } from './input-limits.js';
import { isObject, malformed, quote, typeName, type UnknownObject } from './inspect.js';
import type { Signal } from './signal.js';

/** The verbs of a dfchain command message. */
export const COMMAND_VERBS = [
  'start',
  'tick',
  'timer',
  'cancel',
  'redrive',
  'callback',
  'heartbeat',
] as const;
/** A verb of a dfchain command message. */
export type CommandVerb = (typeof COMMAND_VERBS)[number];

/** A run id becomes a Dataflow label value, so it must satisfy Dataflow's label rules (kept ASCII). */
export const RUN_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** A document a timer or a task token belongs to: a run, or a Map item's part of one (`{runId}.{key}`). */
export const DOC_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}(?:\.[0-9a-f]{20})?$/;

const FIELDS: Readonly<Record<CommandVerb, readonly string[]>> = {
  start: ['dfchain', 'chain', 'runId', 'input', 'scheduled', 'scheduledTime'],
  tick: ['dfchain'],
  timer: ['dfchain', 'runId', 'timer'],
  cancel: ['dfchain', 'runId', 'cause'],
  redrive: ['dfchain', 'runId'],
  callback: ['dfchain', 'token', 'status', 'output', 'error', 'cause'],
  heartbeat: ['dfchain', 'token'],
};

/** Longest cause a cancel command may give (it is stored with the run and logged). */
export const MAX_CANCEL_CAUSE = 4096;

/** A timer name as the engine makes them: kind, '-', hex digest. */
const TIMER_NAME_PATTERN = /^[a-z]+-[0-9a-f]{1,64}$/;

/** True when a JSON object is meant as a dfchain command (it has a `dfchain` field). */
export function looksLikeCommand(value: UnknownObject): boolean {
  return 'dfchain' in value;
}

function unknownField(verb: CommandVerb, command: UnknownObject): string | undefined {
  const allowed = FIELDS[verb];
  const extra = Object.keys(command).find((key) => !allowed.includes(key));
  if (extra === undefined) return undefined;
  // Rejected rather than skipped: a typo such as "imput" would otherwise start a run with {}.
  const guess = didYouMean(
    extra,
    allowed.filter((field) => field !== 'dfchain'),
  );
  const hint = guess === undefined ? '' : `; did you mean "${guess}"?`;
  return `${verb} has unknown field ${quote(extra)} (expected ${allowed.join(', ')}${hint})`;
}

/** What the envelope of a command tells besides its data (Pub/Sub: the publish time). */
export interface CommandEnvelope {
  /** RFC 3339 time the message was published, when the envelope has one. */
  readonly publishTime?: string;
}

/**
 * `value` as an ISO time (UTC, milliseconds) when it is an RFC 3339 timestamp with a zone (as
 * Pub/Sub's publishTime and `dfchain backfill` write them), else undefined.
 */
function isoTime(value: unknown): string | undefined {
  const ms = typeof value === 'string' ? parseTimestamp(value) : undefined;
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

/**
 * `{"dfchain":"start","chain":"C","scheduled":true}`: the fixed message of a Cloud Scheduler
 * job (a Pub/Sub target cannot vary it). The tick, run id and input come from the chain's
 * Schedule and the message's publish time, so nothing else may be given.
 */
function decodeScheduled(command: UnknownObject, chain: string, envelope: CommandEnvelope): Signal {
  const given = ['runId', 'input', 'scheduledTime'].filter((key) => command[key] !== undefined);
  if (given.length > 0) {
    return malformed(
      `start.scheduled derives the run id, input and scheduled time from the chain's Schedule; drop ${given.join(', ')} (or drop scheduled and give scheduledTime)`,
    );
  }
  const publishTime = isoTime(envelope.publishTime);
  if (publishTime === undefined) {
    return malformed(
      `start.scheduled needs the Pub/Sub message's publishTime, which this delivery lacks (got ${typeName(envelope.publishTime)}): a scheduled start comes from Cloud Scheduler through the topic`,
    );
  }
  return { kind: 'start', chain, input: {}, trigger: { publishTime } };
}

function decodeStart(command: UnknownObject, envelope: CommandEnvelope): Signal {
  const chain = command['chain'];
  if (typeof chain !== 'string' || chain.trim() === '') {
    const got = typeof chain === 'string' ? 'an empty string' : typeName(chain);
    return malformed(`start.chain must be a non-empty string naming a chain file, got ${got}`);
  }
  const scheduled = command['scheduled'];
  if (scheduled !== undefined && scheduled !== true)
    return malformed(`start.scheduled must be true when given, got ${typeName(scheduled)}`);
  if (scheduled === true) return decodeScheduled(command, chain, envelope);
  const runId = command['runId'];
  if (runId !== undefined && typeof runId !== 'string') {
    return malformed(`start.runId must be a string, got ${typeName(runId)}`);
  }
  // Stryker disable next-line ConditionalExpression: RUN_ID_PATTERN.test(undefined) tests the text "undefined", which matches, so an absent runId passes either way
  if (runId !== undefined && !RUN_ID_PATTERN.test(runId)) {
    return malformed(
      `start.runId ${quote(runId)} must match ${RUN_ID_PATTERN.source} because it becomes a Dataflow label value: use lowercase letters, digits, "_" and "-", at most 63`,
    );
  }
  const rawTime = command['scheduledTime'];
  const scheduledTime = isoTime(rawTime);
  if (rawTime !== undefined && scheduledTime === undefined) {
    const got = typeof rawTime === 'string' ? quote(rawTime) : typeName(rawTime);
    return malformed(
      `start.scheduledTime must be an RFC 3339 timestamp with a zone, such as "2026-01-05T04:00:00Z", got ${got}`,
    );
  }
  const input = command['input'] ?? {};
  if (!isObject(input))
    return malformed(`start.input must be a JSON object, got ${typeName(input)}`);
  // Parsed from JSON text, so every value in it is JSON.
  const json = input as JsonObject;
  const tooBig = inputLimitProblem(json);
  if (tooBig !== undefined) return malformed(tooBig);
  return {
    kind: 'start',
    chain,
    input: json,
    ...(runId === undefined ? {} : { runId }),
    ...(scheduledTime === undefined ? {} : { scheduledTime }),
  };
}

function decodeTimer(command: UnknownObject): Signal {
  const runId = command['runId'];
  if (typeof runId !== 'string' || !DOC_ID_PATTERN.test(runId)) {
    const got = typeof runId === 'string' ? quote(runId) : typeName(runId);
    return malformed(
      `timer.runId must be a run id matching ${RUN_ID_PATTERN.source}, or a Map item's part of one (run id, ".", 20 hex digits), got ${got}`,
    );
  }
  const timer = command['timer'];
  if (typeof timer !== 'string' || !TIMER_NAME_PATTERN.test(timer)) {
    return malformed(
      `timer.timer must be a timer name such as "wait-0123abcd…" (sent by dfchain's timer port), got ${typeof timer === 'string' ? quote(timer) : typeName(timer)}`,
    );
  }
  return { kind: 'timer', runId, timer };
}

/** The run id of a command that names a run (cancel, redrive), or what is wrong with it. */
function commandRunId(verb: CommandVerb, command: UnknownObject): string | Signal {
  const runId = command['runId'];
  if (typeof runId === 'string' && RUN_ID_PATTERN.test(runId)) return runId;
  const got = typeof runId === 'string' ? quote(runId) : typeName(runId);
  return malformed(
    `${verb}.runId must be a run id matching ${RUN_ID_PATTERN.source} (lowercase letters, digits, "_" and "-", at most 63), got ${got}`,
  );
}

function decodeRedrive(command: UnknownObject): Signal {
  const runId = commandRunId('redrive', command);
  return typeof runId === 'string' ? { kind: 'redrive', runId } : runId;
}

function decodeCancel(command: UnknownObject): Signal {
  const runId = commandRunId('cancel', command);
  if (typeof runId !== 'string') return runId;
  const cause = command['cause'];
  if (cause === undefined) return { kind: 'cancel', runId };
  if (typeof cause !== 'string' || cause.length > MAX_CANCEL_CAUSE) {
    const got = typeof cause === 'string' ? `${cause.length} characters` : typeName(cause);
    return malformed(
      `cancel.cause must be a string of at most ${MAX_CANCEL_CAUSE} characters, got ${got}`,
    );
  }
  return { kind: 'cancel', runId, cause };
}

/**
 * Turns a `{"dfchain": …}` command into its signal, or says exactly what is wrong. `envelope`
 * is what the delivery says around it (a scheduled start reads its publish time).
 */
export function decodeCommand(command: UnknownObject, envelope: CommandEnvelope = {}): Signal {
  const verb = command['dfchain'];
  if (typeof verb !== 'string') {
    return malformed(
      `dfchain must be a command name (${COMMAND_VERBS.map((v) => `"${v}"`).join(', ')}), got ${typeName(verb)}`,
    );
  }
  if (!(COMMAND_VERBS as readonly string[]).includes(verb)) {
    const guess = didYouMean(verb, COMMAND_VERBS);
    const hint = guess === undefined ? '' : `; did you mean "${guess}"?`;
    return malformed(
      `unknown command ${quote(verb)} (expected ${COMMAND_VERBS.map((v) => `"${v}"`).join(', ')}${hint})`,
    );
  }
  const known = verb as CommandVerb;
  const extra = unknownField(known, command);
  if (extra !== undefined) return malformed(extra);
  if (known === 'start') return decodeStart(command, envelope);
  if (known === 'cancel') return decodeCancel(command);
  if (known === 'redrive') return decodeRedrive(command);
  if (known === 'callback') return decodeCallback(command);
  if (known === 'heartbeat') return decodeHeartbeat(command);
  return known === 'timer' ? decodeTimer(command) : { kind: 'tick' };
}
