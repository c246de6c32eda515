import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { exportLines, keepBanner, shellQuote } from '../../../src/local/client-env.js';

describe('local: client environment (npm start -- --keep)', () => {
  it('quotes only what a shell would not read literally, and a shell reads every value back', () => {
    assert.equal(shellQuote('127.0.0.1:8085'), '127.0.0.1:8085');
    assert.equal(shellQuote('http://127.0.0.1:9/'), 'http://127.0.0.1:9/');
    const values = ['/a b/dag', "it's", '{"date":"2026-11-21"}', '$HOME `x` \\ ;&|', ''];
    for (const value of values) {
      const echoed = execFileSync('sh', ['-c', `printf %s ${shellQuote(value)}`]).toString();
      assert.equal(echoed, value);
    }
  });

  it('prints export lines in order, leaving out what the stack lacks', () => {
    assert.deepEqual(exportLines({ A: '1', B: undefined, C: 'x y' }), [
      'export A=1',
      "export C='x y'",
    ]);
  });

  it('the banner exports the environment and names the input, as pasteable commands', () => {
    const lines = keepBanner({
      env: { GOOGLE_CLOUD_PROJECT: 'p', DFCHAIN_TOPIC: 'dfchain-events' },
      chain: 'example',
      input: { date: '2026-11-21' },
    });
    assert.ok(lines.includes('export GOOGLE_CLOUD_PROJECT=p'));
    assert.ok(lines.includes('export DFCHAIN_TOPIC=dfchain-events'));
    assert.ok(
      lines.includes(
        `npx dfchain start example --run-id example-by-hand --input '{"date":"2026-11-21"}'`,
      ),
    );
    assert.ok(lines.includes('npx dfchain status example-by-hand'));
  });
});
