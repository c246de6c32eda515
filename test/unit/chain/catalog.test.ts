import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { ChainCatalog, definitionHash } from '../../../src/chain/catalog.js';
import type { Chain, ChainDefinition } from '../../../src/chain/types.js';

const definition = (jobName: string): ChainDefinition =>
  ({
    StartAt: 'A',
    States: {
      A: {
        Type: 'Task',
        Resource: 'dataflow:flexTemplate',
        Region: 'europe-west4',
        Parameters: { jobName, containerSpecGcsPath: 'gs://b/t.json' },
        End: true,
      },
    },
  }) as ChainDefinition;

const chain = (name: string): Chain => ({
  name,
  file: `dag/${name}.json`,
  definition: definition(name),
});

describe('ChainCatalog', () => {
  it('hashes a definition as the first 32 hex characters of the sha256 of its JSON', () => {
    const d = definition('a');
    const hash = definitionHash(d);
    assert.equal(hash, createHash('sha256').update(JSON.stringify(d)).digest('hex').slice(0, 32));
    assert.equal(hash.length, 32);
  });

  it('lists the names of its chains sorted, whatever order they were given in', () => {
    const catalog = new ChainCatalog([chain('weekly'), chain('daily'), chain('hourly')]);
    assert.deepEqual(catalog.names(), ['daily', 'hourly', 'weekly']);
  });

  it('finds a chain by name and its definition by hash, and knows every prefix', () => {
    const catalog = new ChainCatalog([chain('weekly'), chain('daily')]);
    const daily = catalog.get('daily')!;
    assert.equal(daily.hash, definitionHash(daily.definition));
    assert.equal(catalog.definition(daily.hash), daily.definition);
    assert.equal(catalog.get('monthly'), undefined);
    assert.deepEqual([...catalog.prefixes].sort(), ['daily', 'weekly']);
  });
});
