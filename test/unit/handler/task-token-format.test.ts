import { strict as assert } from 'node:assert';
import {
  newTaskToken,
  parseTaskToken,
  tokenHash,
  withToken,
} from '../../../src/handler/task-token.js';

const LOCATOR = { docId: 'r1.0123456789abcdef0123', jobName: 'publish-0123456789ab' };

describe('handler: task tokens', () => {
  it('round-trips the document and step, with a fresh 256-bit secret each time', () => {
    const a = newTaskToken(LOCATOR);
    const b = newTaskToken(LOCATOR);
    assert.notEqual(a, b);
    assert.deepEqual(parseTaskToken(a), LOCATOR);
    assert.equal(a.split('.')[3]?.length, 43);
  });

  it('hashes with SHA-256 (hex)', () => {
    assert.equal(
      tokenHash('abc'),
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  const cases: [string, string][] = [
    [
      'x',
      'it is not of the form dfct1.<run>.<step>.<secret> that dfchain hands out as $$.Task.Token',
    ],
    [
      'dfct2.a.b.c',
      'it is not of the form dfct1.<run>.<step>.<secret> that dfchain hands out as $$.Task.Token',
    ],
    [`dfct1.cjE.cA.${'A'.repeat(42)}`, 'its secret part is not 43 base64url characters'],
    [`dfct1.cjE=.cA.${'A'.repeat(43)}`, 'its run or step part is not base64url-encoded text'],
    [
      `dfct1.${Buffer.from('runs/x').toString('base64url')}.${Buffer.from('publish-0123456789ab').toString('base64url')}.${'A'.repeat(43)}`,
      'its run or step part names no run document or step dfchain makes',
    ],
    ['a'.repeat(2049), 'it is longer than 2048 characters'],
  ];
  for (const [token, reason] of cases) {
    it(`refuses ${token.slice(0, 24)}…: ${reason}`, () => {
      assert.equal(parseTaskToken(token), reason);
    });
  }

  it('puts the token wherever the placeholder stands, in the JSON text and the attributes', () => {
    const put = withToken('{"t":"P","s":"x P y"}', { a: 'P', b: 'n' }, 'P', 'TOKEN');
    assert.deepEqual(put, {
      text: '{"t":"TOKEN","s":"x TOKEN y"}',
      attributes: { a: 'TOKEN', b: 'n' },
    });
  });
});
