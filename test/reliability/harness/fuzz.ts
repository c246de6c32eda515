import type { Dice } from './scale.js';

/** One fuzz message: published on the topic, or posted as a raw push body to the function. */
export type FuzzMessage =
  | {
      readonly via: 'publish';
      readonly category: string;
      readonly data: Buffer;
      readonly jobName?: string;
    }
  | {
      readonly via: 'post';
      readonly category: string;
      readonly body: string;
      readonly messageId: string;
    };

const LOG_NAME = 'projects/dfchain-local/logs/dataflow.googleapis.com%2Fjob-message';
const MB = 1024 * 1024;

function randomString(dice: Dice, max: number): string {
  const alphabet = 'abcXYZ019 _-."\\{}[]:,\u00e9\u4e2d\ud83d\ude00\n\t';
  return Array.from({ length: dice.int(0, max) }, () => dice.pick([...alphabet])).join('');
}

/** A random JSON value, nested up to `depth`; never a dfchain command (no `dfchain` key). */
export function randomJson(dice: Dice, depth = 3): unknown {
  const kind = dice.int(0, depth > 0 ? 6 : 3);
  if (kind === 0) return null;
  if (kind === 1) return dice.chance(0.5);
  if (kind === 2) return dice.pick([0, -1, 1e308, 3.14, dice.int(-1e9, 1e9)]);
  if (kind === 3) return randomString(dice, 20);
  if (kind === 4) return Array.from({ length: dice.int(0, 4) }, () => randomJson(dice, depth - 1));
  const object: Record<string, unknown> = {};
  for (let i = dice.int(0, 4); i > 0; i--)
    object[randomString(dice, 8) || 'k'] = randomJson(dice, depth - 1);
  delete object['dfchain'];
  return object;
}

/** Start commands that must never start a run: each breaks one rule. */
function badStart(dice: Dice): unknown {
  const base = { dfchain: 'start', chain: 'rel4', runId: 'fuzz-run', input: {} };
  return dice.pick<object>([
    { ...base, chain: 'no-such-chain' },
    { ...base, chain: dice.pick([7, null, '', '  ', ['rel4'], { name: 'rel4' }]) },
    { ...base, runId: dice.pick(['Bad Id', 'UPPER', '-lead', 'x'.repeat(64), 'é', 42, false]) },
    { ...base, input: dice.pick([[1], 'text', 3, true]) },
    { ...base, imput: {} },
    { dfchain: dice.pick(['strat', 'Start', 'tock', '', 5, null, { v: 'start' }]) },
    { dfchain: 'tick', extra: randomJson(dice, 1) },
  ]);
}

/** LogEntry look-alikes: one wrong or missing field each, or a job no chain launched. */
function lookAlike(dice: Dice, n: number): { value: unknown; jobName?: string } {
  const foreignName = `${dice.pick(['nightly', 'rel-extract', 'relx', 'zz'])}-fuzz-${n}`;
  const labels = {
    job_id: `2026-01-01_00_00_00-${n}`,
    job_name: foreignName,
    region: 'europe-west4',
    project_id: 'p',
  };
  const entry = {
    logName: LOG_NAME,
    resource: { type: 'dataflow_step', labels },
    textPayload: 'Worker pool stopped.',
  };
  const variant = dice.int(0, 6);
  if (variant === 0) return { value: entry, jobName: foreignName };
  if (variant === 1) return { value: { ...entry, resource: { type: 'dataflow_step' } } };
  if (variant === 2)
    return {
      value: {
        ...entry,
        textPayload: dice.pick(['Worker pool started.', '', 42, randomString(dice, 30)]),
      },
    };
  if (variant === 3)
    return {
      value: {
        ...entry,
        resource: { ...entry.resource, type: dice.pick(['gce_instance', 5, null]) },
      },
    };
  if (variant === 4)
    return { value: { ...entry, logName: dice.pick(['projects/p/logs/other', 7, '']) } };
  const without = { ...labels } as Record<string, unknown>;
  delete without[dice.pick(['job_id', 'job_name', 'region'])];
  if (variant === 5)
    return { value: { ...entry, resource: { type: 'dataflow_step', labels: without } } };
  return {
    value: {
      ...entry,
      resource: { type: 'dataflow_step', labels: { ...labels, job_id: dice.pick([1, null, {}]) } },
    },
  };
}

function published(dice: Dice, n: number): FuzzMessage {
  const json = (category: string, value: unknown, jobName?: string): FuzzMessage => ({
    via: 'publish',
    category,
    data: Buffer.from(JSON.stringify(value) ?? 'undefined'),
    ...(jobName ? { jobName } : {}),
  });
  const kind = n % 250 === 7 ? 99 : dice.int(0, 98);
  if (kind < 20) return json('random JSON', randomJson(dice));
  if (kind < 35) {
    const text = JSON.stringify(dice.chance(0.5) ? lookAlike(dice, n).value : badStart(dice));
    return {
      via: 'publish',
      category: 'truncated JSON',
      data: Buffer.from(text.slice(0, dice.int(1, text.length - 1))),
    };
  }
  if (kind < 55) return json('bad start command', badStart(dice));
  if (kind < 80) {
    const { value, jobName } = lookAlike(dice, n);
    return json('LogEntry look-alike', value, jobName);
  }
  if (kind < 90)
    return {
      via: 'publish',
      category: 'random bytes',
      data: Buffer.from(Array.from({ length: dice.int(1, 64) }, () => dice.int(0, 255))),
    };
  if (kind < 99)
    return {
      via: 'publish',
      category: 'plain text',
      data: Buffer.from(randomString(dice, 40) || 'x'),
    };
  // About 1 MB: just over the limit (never parsed) or just under it (parsed, then refused).
  const bytes = dice.chance(0.5) ? MB + 10 : MB - 100;
  return json('1 MB payload', { dfchain: 'tick', pad: 'a'.repeat(bytes - 30) });
}

function posted(dice: Dice, n: number): FuzzMessage {
  const messageId = `fuzz-post-${n}`;
  const valid = Buffer.from(JSON.stringify(randomJson(dice))).toString('base64');
  const data = dice.pick<unknown>([
    `${valid}!`,
    valid.slice(0, Math.max(1, valid.length - dice.int(1, 3))),
    `=${valid}`,
    'not base64 at all',
    Buffer.from([0xff, 0xfe, 0x00, dice.int(0, 255)]).toString('base64'),
    Buffer.from('{"dfchain":"start","chain":').toString('base64'),
    42,
    { nested: true },
    [valid],
    dice.chance(0.02) ? 'A'.repeat(MB * 2) : 'QQ==QQ==',
  ]);
  const body = {
    message: { data, messageId, attributes: {} },
    subscription: 'projects/p/subscriptions/fuzz',
  };
  return { via: 'post', category: 'raw push body', body: JSON.stringify(body), messageId };
}

/** The `n`th fuzz message; about a third are posted straight to the function, 1 in 250 is 1 MB. */
export function fuzzMessage(dice: Dice, n: number): FuzzMessage {
  return n % 250 !== 7 && dice.chance(0.33) ? posted(dice, n) : published(dice, n);
}
