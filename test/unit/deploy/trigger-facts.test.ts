import { strict as assert } from 'node:assert';
import type { Chain } from '../../../src/chain/types.js';
import { chainFacts, renderFacts } from '../../../src/deploy/chain-facts.js';

function chain(name: string, Triggers: unknown): Chain {
  return {
    name,
    file: `${name}.json`,
    definition: { StartAt: 'S', States: {}, Triggers } as unknown as Chain['definition'],
  };
}

describe('deploy facts: Triggers', () => {
  const facts = chainFacts([
    chain('zeta', [
      { Gcs: { bucket: 'drops', prefix: 'in/daily/', matchGlob: '**.csv' } },
      { Gcs: { bucket: 'archive', prefix: 'x y/' } },
    ]),
    chain('alpha', [{ Gcs: { bucket: 'drops', prefix: 'in/' } }]),
    chain('beta', [{ Gcs: { bucket: 'other' } }, { Gcs: { bucket: 'drops', prefix: 'in/' } }]),
    chain('plain', undefined),
  ]);

  it('lists every trigger by chain, bucket and prefix ("" for none), with its glob', () => {
    assert.deepEqual(facts.triggers, [
      { chain: 'alpha', bucket: 'drops', prefix: 'in/' },
      { chain: 'beta', bucket: 'drops', prefix: 'in/' },
      { chain: 'beta', bucket: 'other', prefix: '' },
      { chain: 'zeta', bucket: 'archive', prefix: 'x y/' },
      { chain: 'zeta', bucket: 'drops', prefix: 'in/daily/', matchGlob: '**.csv' },
    ]);
  });

  it('needs one notification per bucket and prefix, none for a prefix a shorter one covers', () => {
    assert.deepEqual(facts.notifications, [
      { bucket: 'archive', prefix: 'x y/' },
      { bucket: 'drops', prefix: 'in/' },
      { bucket: 'other', prefix: '' },
    ]);
  });

  it('an empty prefix covers the whole bucket', () => {
    const whole = chainFacts([
      chain('a', [{ Gcs: { bucket: 'b', prefix: 'p/' } }, { Gcs: { bucket: 'b' } }]),
    ]);
    assert.deepEqual(whole.notifications, [{ bucket: 'b', prefix: '' }]);
  });

  it('prints one notification line each, the prefix as JSON', () => {
    assert.deepEqual(
      renderFacts(facts).filter((line) => line.startsWith('notification ')),
      ['notification archive "x y/"', 'notification drops "in/"', 'notification other ""'],
    );
  });
});
