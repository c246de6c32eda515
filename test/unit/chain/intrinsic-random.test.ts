import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import type { Json, JsonObject } from '../../../src/json.js';
import {
  IntrinsicRandom,
  integerFromBytes,
  uuidFromBytes,
} from '../../../src/chain/intrinsic-random.js';
import { resolveParameters } from '../../../src/chain/parameters.js';
import { evaluateExpression, parsePathExpression } from '../../../src/chain/paths.js';

const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const evaluate = (text: string, seed: string | IntrinsicRandom = ''): Json =>
  evaluateExpression(parsePathExpression(text), {}, {}, seed);

/** The derivation, written out again: draw n of seed s is sha256(s + '\n' + n). */
function expectedUuid(seed: string, n: number): string {
  const b = createHash('sha256').update(`${seed}\n${n}`).digest().subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join('-');
}

describe('States.UUID', () => {
  it('returns a version 4 UUID', () => {
    for (let i = 0; i < 200; i++) assert.match(evaluate('States.UUID()', `s${i}`) as string, V4);
  });

  it('is the same for the same seed (a replay), and pinned: stored runs depend on it', () => {
    assert.equal(
      evaluate('States.UUID()', 'run-1/Ingest/0'),
      '362d8530-7591-4732-9653-6653a5c6d109',
    );
    assert.equal(evaluate('States.UUID()', 'run-1/Ingest/0'), expectedUuid('run-1/Ingest/0', 0));
    assert.equal(evaluate('States.UUID()'), expectedUuid('', 0), 'the default seed is ""');
  });

  it('differs between seeds (another run, state or attempt)', () => {
    const seeds = ['run-1/Ingest/0', 'run-1/Ingest/1', 'run-1/Clean/0', 'run-2/Ingest/0'];
    const values = new Set(seeds.map((seed) => evaluate('States.UUID()', seed)));
    assert.equal(values.size, seeds.length);
  });

  it('differs between two calls of one expression, drawn in text order', () => {
    assert.deepEqual(evaluate('States.Array(States.UUID(), States.UUID())', 'run-1/Ingest/0'), [
      expectedUuid('run-1/Ingest/0', 0),
      expectedUuid('run-1/Ingest/0', 1),
    ]);
    assert.equal(
      evaluate("States.Format('{}/{}', States.UUID(), States.UUID())", 'x'),
      `${expectedUuid('x', 0)}/${expectedUuid('x', 1)}`,
    );
  });

  it('differs between the .$ keys of one template, and repeats when the template is resolved again', () => {
    const template: JsonObject = {
      'a.$': 'States.UUID()',
      'b.$': 'States.MathRandom(0, 100)',
      nested: [{ 'c.$': 'States.UUID()' }],
    };
    const first = resolveParameters(template, {}, {}, 'Parameters', 'seed-x');
    assert.deepEqual(first, {
      a: expectedUuid('seed-x', 0),
      b: 15,
      nested: [{ c: expectedUuid('seed-x', 2) }],
    });
    assert.deepEqual(resolveParameters(template, {}, {}, 'Parameters', 'seed-x'), first);
    assert.deepEqual(resolveParameters(template, {}, {}, 'ItemSelector', 'seed-x'), first);
    assert.notDeepEqual(resolveParameters(template, {}, {}, 'Parameters', 'seed-y'), first);
  });

  it('does not count a MathRandom with its own seed as a draw', () => {
    assert.deepEqual(evaluate('States.Array(States.MathRandom(0, 100, 1), States.UUID())', 's'), [
      evaluate('States.MathRandom(0, 100, 1)', 'other'),
      expectedUuid('s', 0),
    ]);
  });

  it('continues the count of a shared IntrinsicRandom across evaluations', () => {
    const random = new IntrinsicRandom('shared');
    assert.equal(evaluate('States.UUID()', random), expectedUuid('shared', 0));
    assert.equal(
      evaluate('States.MathRandom(0, 9)', random),
      Number(
        BigInt(
          `0x${createHash('sha256').update('shared\n1').digest().subarray(0, 16).toString('hex')}`,
        ) % 9n,
      ),
    );
    assert.equal(evaluate('States.UUID()', random), expectedUuid('shared', 2));
    assert.equal(random.count, 3);
  });

  const refused: [string, string][] = [
    ['States.UUID(1)', 'at character 1: States.UUID takes 0 arguments, got 1'],
    ["States.UUID('x')", 'at character 1: States.UUID takes 0 arguments, got 1'],
    ['States.UUID($.a, $.b)', 'at character 1: States.UUID takes 0 arguments, got 2'],
    ['States.UUID', 'at character 12: expected "(" after States.UUID'],
    ['States.UUID()x', 'at character 14: unexpected "x" after "States.UUID()"'],
  ];
  for (const [text, message] of refused) {
    it(`refuses ${text}`, () => {
      assert.throws(() => parsePathExpression(text), {
        name: 'PathError',
        message: `cannot parse ${JSON.stringify(text)} ${message}`,
      });
    });
  }
});

describe('intrinsic randomness, its helpers', () => {
  it('sets the version and variant bits of a UUID', () => {
    assert.equal(uuidFromBytes(Buffer.alloc(32, 0xff)), 'ffffffff-ffff-4fff-bfff-ffffffffffff');
    assert.equal(uuidFromBytes(Buffer.alloc(32, 0)), '00000000-0000-4000-8000-000000000000');
  });

  it('maps bytes into [start, end)', () => {
    assert.equal(integerFromBytes(Buffer.alloc(32, 0), -5, 5), -5);
    assert.equal(integerFromBytes(Buffer.alloc(32, 0xff), 0, 2), 1);
    assert.equal(integerFromBytes(Buffer.alloc(32, 0xff), 10, 11), 10);
  });
});
