import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';
import { compileChainSchema } from '../../src/chain/schema.js';

const BUILT = new URL('../../dist/chain/schema-validator.cjs', import.meta.url);

describe('the schema validator precompiled by npm run build', () => {
  it('reports exactly what the runtime-compiled schema reports', () => {
    const precompiled = createRequire(import.meta.url)(BUILT.pathname) as ValidateFunction;
    const runtime = compileChainSchema().validate;
    const example: unknown = JSON.parse(
      readFileSync(new URL('../../dag/example.json', import.meta.url), 'utf8'),
    );
    const samples: unknown[] = [
      example,
      {},
      { StartAt: 1, States: [] },
      {
        StartAt: 'A',
        States: { A: { Type: 'Task', Resource: 'x', Nxt: 'B', Parameters: { jobName: 'A' } } },
      },
      { StartAt: 'A', States: { A: { Type: 'Wait', Seconds: 5, End: true } } },
    ];
    for (const sample of samples) {
      assert.equal(precompiled(sample), runtime(sample));
      assert.deepEqual(precompiled.errors ?? null, runtime.errors ?? null);
    }
  });
});
