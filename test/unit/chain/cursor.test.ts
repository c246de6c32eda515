import { strict as assert } from 'node:assert';
import { Cursor } from '../../../src/chain/cursor.js';

describe('Cursor', () => {
  it('peeks the character under or ahead of it, and an empty string past the end', () => {
    const c = new Cursor('ab');
    assert.equal(c.peek(), 'a');
    assert.equal(c.peek(1), 'b');
    assert.equal(c.peek(2), '');
    c.pos = 2;
    assert.equal(c.done, true);
    assert.equal(c.peek(), '');
  });

  it('skips blanks, and fails naming the 1-based character', () => {
    const c = new Cursor(' \t\n\rx');
    c.skipSpaces();
    assert.equal(c.pos, 4);
    assert.throws(() => c.fail('boom'), {
      name: 'PathError',
      message: 'cannot parse " \\t\\n\\rx" at character 5: boom',
    });
  });
});
