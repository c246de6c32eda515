import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { PathError } from '../../../src/errors.js';
import type { Json } from '../../../src/json.js';
import { MAX_STRING_ARGUMENT } from '../../../src/chain/intrinsics.js';
import { evaluateExpression, parsePathExpression } from '../../../src/chain/paths.js';

const AT_LIMIT = 'x'.repeat(10_000);
const PAST_LIMIT = 'x'.repeat(10_001);
const INPUT: Json = {
  atLimit: AT_LIMIT,
  pastLimit: PAST_LIMIT,
  // 5,000 emoji are 10,000 UTF-16 code units, as Java's String.length() counts them.
  emoji: '😀'.repeat(5_000),
  emojiPast: '😀'.repeat(5_001),
  b64AtLimit: 'QUFB'.repeat(2_500),
  b64PastLimit: 'QUFB'.repeat(2_501),
  data: 'input data',
  n: 3,
  lower: 'sha-1',
  inherited: 'toString',
};

const evaluate = (text: string): Json => evaluateExpression(parsePathExpression(text), INPUT, {});
const hex = (algorithm: string, text: string): string =>
  createHash(algorithm).update(text).digest('hex');

function fails(text: string, message: string): void {
  assert.throws(
    () => evaluate(text),
    (error: unknown) => {
      assert.ok(error instanceof PathError);
      assert.equal(error.message, message);
      return true;
    },
  );
}

describe('string limits of States.Base64Encode, States.Base64Decode and States.Hash', () => {
  it('is 10,000 characters (AWS and the specification)', () => {
    assert.equal(MAX_STRING_ARGUMENT, 10_000);
  });

  const good: [string, Json][] = [
    // AWS's examples (its SHA-1 of "input data" lost a digit: aaff4a450a104cd177d28d18d7485e8cae074b7).
    ['States.Base64Encode($.data)', 'aW5wdXQgZGF0YQ=='],
    ["States.Base64Encode('Data to encode')", 'RGF0YSB0byBlbmNvZGU='],
    ["States.Base64Decode('RGF0YSB0byBlbmNvZGU=')", 'Data to encode'],
    ["States.Hash($.data, 'SHA-1')", 'aaff4a450a104cd177d28d18d74485e8cae074b7'],
    ['States.Base64Encode($.atLimit)', Buffer.from(AT_LIMIT).toString('base64')],
    ['States.Base64Encode($.emoji)', Buffer.from(INPUT.emoji as string).toString('base64')],
    ['States.Base64Decode($.b64AtLimit)', 'A'.repeat(7_500)],
    ["States.Hash($.atLimit, 'SHA-256')", hex('sha256', AT_LIMIT)],
    ["States.Hash($.emoji, 'MD5')", hex('md5', INPUT.emoji as string)],
    ["States.Hash('', 'SHA-512')", hex('sha512', '')],
  ];
  for (const [text, value] of good) {
    it(`evaluates ${text.length > 60 ? `${text.slice(0, 60)}…` : text}`, () =>
      assert.deepEqual(evaluate(text), value));
  }

  const bad: [string, string][] = [
    [
      'States.Base64Encode($.pastLimit)',
      'States.Base64Encode argument 1 has 10001 characters, more than the 10000 allowed; encode a shorter string',
    ],
    [
      'States.Base64Encode($.emojiPast)',
      'States.Base64Encode argument 1 has 10002 characters, more than the 10000 allowed; encode a shorter string',
    ],
    [
      'States.Base64Decode($.b64PastLimit)',
      'States.Base64Decode argument 1 has 10004 characters, more than the 10000 allowed; decode a shorter string',
    ],
    [
      "States.Hash($.pastLimit, 'MD5')",
      'States.Hash argument 1 has 10001 characters, more than the 10000 allowed; hash a shorter string',
    ],
    ["States.Hash($.n, 'MD5')", 'States.Hash argument 1 must be a string, got number 3'],
    [
      'States.Hash($.data, $.lower)',
      'States.Hash algorithm "sha-1" is not one of MD5, SHA-1, SHA-256, SHA-384, SHA-512',
    ],
    [
      // An inherited name (Object.prototype.toString) is no algorithm either.
      'States.Hash($.data, $.inherited)',
      'States.Hash algorithm "toString" is not one of MD5, SHA-1, SHA-256, SHA-384, SHA-512',
    ],
    ['States.Base64Encode($.n)', 'States.Base64Encode argument 1 must be a string, got number 3'],
  ];
  for (const [text, message] of bad) {
    it(`fails to evaluate ${text}`, () => fails(text, message));
  }

  it('refuses a literal past the limit when the chain is read', () => {
    const text = `States.Base64Encode('${PAST_LIMIT}')`;
    assert.throws(() => parsePathExpression(text), {
      name: 'PathError',
      message: `cannot parse ${JSON.stringify(text)} at character 21: States.Base64Encode argument 1 has 10001 characters, more than the 10000 allowed; encode a shorter string`,
    });
    assert.doesNotThrow(() => parsePathExpression(`States.Hash('${AT_LIMIT}', 'MD5')`));
  });
});
