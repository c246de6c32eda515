import { strict as assert } from 'node:assert';
import { fileURLToPath } from 'node:url';
import type { Cli } from '../../../../src/cli/commands/cli.js';
import { startLocal } from '../../../../src/cli/commands/start-local.js';

const FAKE = fileURLToPath(
  new URL('../../../fixtures/start-local/fake-npm-start.ts', import.meta.url),
);

async function run(end: string, input?: string) {
  const out: string[] = [];
  const err: string[] = [];
  const cli: Cli = {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    env: { ...process.env, FAKE_END: end },
    tty: false,
    screen: { write: () => undefined, columns: () => 80 },
    code: 0,
  };
  const code = await startLocal(
    cli,
    { chain: 'example', chainsDir: 'dag', ...(input !== undefined ? { input } : {}) },
    FAKE,
  );
  return { code, out, err };
}

describe('start --local: npm start as a child, its lines passed through, its end as exit code', function () {
  this.timeout(20_000);

  it('passes the chain, the folder and the input; exit 0 when the run SUCCEEDED', async () => {
    const { code, out, err } = await run('SUCCEEDED', '{"date":"2026-11-30"}');
    assert.equal(code, 0);
    assert.deepEqual(out, [
      'args --chain example --chains-dir dag --input {"date":"2026-11-30"}',
      'run fake-1: SUCCEEDED',
    ]);
    assert.deepEqual(err, ['a line on stderr']);
  });

  it('exit 2 when the run FAILED, 1 when npm start failed otherwise, 130 on SIGINT', async () => {
    assert.equal((await run('FAILED')).code, 2);
    assert.equal((await run('REFUSED')).code, 1);
    assert.equal((await run('SIGINT')).code, 130);
  });
});
