import { strict as assert } from 'node:assert';
import { parseConfig } from '../../src/config.js';
import { ConfigError } from '../../src/errors.js';

const BASE = { GOOGLE_CLOUD_PROJECT: 'p' };

describe('config: local-stack switches', () => {
  it('has no local faults and the client timeout by default', () => {
    const config = parseConfig(BASE);
    assert.equal(config.localFaults, undefined);
    assert.equal(config.dataflowTimeoutMs, undefined);
  });

  it('parses DFCHAIN_DATAFLOW_TIMEOUT_SECONDS into milliseconds', () => {
    assert.equal(
      parseConfig({ ...BASE, DFCHAIN_DATAFLOW_TIMEOUT_SECONDS: '2.5' }).dataflowTimeoutMs,
      2500,
    );
  });

  it('rejects a DFCHAIN_DATAFLOW_TIMEOUT_SECONDS that is not a number of seconds', () => {
    assert.throws(
      () => parseConfig({ ...BASE, DFCHAIN_DATAFLOW_TIMEOUT_SECONDS: 'soon' }),
      new ConfigError(
        'DFCHAIN_DATAFLOW_TIMEOUT_SECONDS="soon" is not a number of seconds between 0 and 540; unset it to use 60',
      ),
    );
  });

  it('parses DFCHAIN_LOCAL_FAULTS once into typed rates, unset keys at their defaults', () => {
    assert.deepEqual(
      parseConfig({ ...BASE, DFCHAIN_LOCAL_FAULTS: 'store=0.2, crash=0.05' }).localFaults,
      {
        storeFaultRate: 0.2,
        crashRate: 0.05,
        seed: 1,
      },
    );
    assert.deepEqual(parseConfig({ ...BASE, DFCHAIN_LOCAL_FAULTS: 'seed=42' }).localFaults, {
      storeFaultRate: 0,
      crashRate: 0,
      seed: 42,
    });
  });

  for (const [raw, part] of [
    ['store=1.5', 'store=1.5'],
    ['crash=-0.1', 'crash=-0.1'],
    ['crash', 'crash'],
    ['storm=0.1', 'storm=0.1'],
    ['seed=1.5', 'seed=1.5'],
    ['store=0.1,', ''],
  ] as const) {
    it(`rejects DFCHAIN_LOCAL_FAULTS="${raw}", naming the variable and the bad part`, () => {
      assert.throws(
        () => parseConfig({ ...BASE, DFCHAIN_LOCAL_FAULTS: raw }),
        new ConfigError(
          `DFCHAIN_LOCAL_FAULTS="${raw}": "${part}" is not one of store=<0..1>, crash=<0..1>, seed=<integer>; it is a local-stack testing switch: unset it outside tests`,
        ),
      );
    });
  }
});
