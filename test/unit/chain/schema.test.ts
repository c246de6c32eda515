import { strict as assert } from 'node:assert';
import { chainSchemaValidator } from '../../../src/chain/schema.js';

type SchemaModule = { chainSchemaValidator: typeof chainSchemaValidator };

describe('chainSchemaValidator', () => {
  it('compiles the schema once and hands out the same validator', () => {
    const validate = chainSchemaValidator();
    assert.equal(typeof validate, 'function');
    assert.equal(chainSchemaValidator(), validate);
  });

  it('gives a validator on its first call in a fresh module', async () => {
    const fresh = (await import(
      `../../../src/chain/schema.js?fresh=${Date.now()}`
    )) as SchemaModule;
    const validate = fresh.chainSchemaValidator();
    assert.equal(typeof validate, 'function');
    // allErrors: every error, not the first; verbose: each carries its data and parent schema.
    assert.equal(validate({ StartAt: 'A', Extra: 1 }), false);
    assert.deepEqual(
      validate.errors?.map((e) => [e.keyword, e.data === undefined, e.parentSchema === undefined]),
      [
        ['required', false, false],
        ['additionalProperties', false, false],
      ],
    );
  });
});
