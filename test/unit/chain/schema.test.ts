import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { chainSchemaValidator } from '../../../src/chain/schema.js';
import { STATE_TYPES } from '../../../src/chain/types.js';

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

describe('dag/schema.json', () => {
  type Node = Record<string, unknown>;
  const schema = JSON.parse(readFileSync('dag/schema.json', 'utf8')) as Node & {
    definitions: Record<string, Node>;
  };
  const target = (node: Node): Node => {
    const ref = node.$ref;
    if (typeof ref !== 'string') return node;
    return schema.definitions[ref.replace('#/definitions/', '')]!;
  };

  it('describes every property, for editor hover docs (on the property or its $ref)', () => {
    const missing: string[] = [];
    const walk = (node: unknown, at: string): void => {
      if (Array.isArray(node)) node.forEach((item, i) => walk(item, `${at}/${i}`));
      if (node === null || typeof node !== 'object') return;
      const object = node as Node;
      const properties = object.properties as Record<string, Node> | undefined;
      for (const [key, property] of Object.entries(properties ?? {})) {
        if (typeof property.description !== 'string' && !target(property).description)
          missing.push(`${at}/properties/${key}`);
      }
      for (const [key, value] of Object.entries(object)) walk(value, `${at}/${key}`);
    };
    walk(schema, '#');
    // The `if` of each state type names Type only to select the type's definition.
    assert.deepEqual(
      missing.filter((place) => !place.includes('/if/')),
      [],
    );
  });

  it('describes every state type in Markdown too', () => {
    for (const type of STATE_TYPES) {
      const definition = schema.definitions[type.toLowerCase()]!;
      assert.equal(typeof definition.markdownDescription, 'string', type);
      assert.equal(typeof definition.description, 'string', type);
    }
  });
});
