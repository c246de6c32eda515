import { strict as assert } from 'node:assert';
import { triggerMismatch, triggeredBy } from '../../../src/chain/trigger-match.js';
import type { ChainDefinition } from '../../../src/chain/types.js';

const object = { bucket: 'drops', name: 'in/2026/sales.csv' };

describe('trigger matching', () => {
  it('matches on bucket alone, then prefix, then glob', () => {
    assert.equal(triggerMismatch({ bucket: 'drops' }, object), undefined);
    assert.equal(triggerMismatch({ bucket: 'drops', prefix: 'in/' }, object), undefined);
    assert.equal(
      triggerMismatch({ bucket: 'drops', prefix: 'in/', matchGlob: 'in/**.csv' }, object),
      undefined,
    );
  });

  it('says why it does not match', () => {
    assert.equal(triggerMismatch({ bucket: 'other' }, object), 'bucket is "other"');
    assert.equal(
      triggerMismatch({ bucket: 'drops', prefix: 'out/' }, object),
      'name does not start with "out/"',
    );
    assert.equal(
      triggerMismatch({ bucket: 'drops', matchGlob: 'in/*.csv' }, object),
      'name does not match "in/*.csv"',
    );
  });

  it('a chain is triggered when any of its Triggers matches', () => {
    const definition = (Triggers?: ChainDefinition['Triggers']): ChainDefinition => ({
      StartAt: 'S',
      States: { S: { Type: 'Succeed' } },
      ...(Triggers ? { Triggers } : {}),
    });
    assert.equal(triggeredBy(definition(), object), false);
    assert.equal(
      triggeredBy(
        definition([{ Gcs: { bucket: 'x' } }, { Gcs: { bucket: 'drops', matchGlob: '**.csv' } }]),
        object,
      ),
      true,
    );
    assert.equal(
      triggeredBy(definition([{ Gcs: { bucket: 'drops', matchGlob: '**.json' } }]), object),
      false,
    );
  });
});
