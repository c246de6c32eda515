import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The built CLI, as a user's shell runs it; it runs the built npm start entry beside it.
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'dist/cli/main.js');

/** The test's environment without anything that would point the stack or the CLI elsewhere. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(DFCHAIN_|GOOGLE_|GCLOUD_)|_EMULATOR_HOST$/.test(name)) continue;
    env[name] = value;
  }
  return { ...env, METADATA_SERVER_DETECTION: 'none' };
}

function dfchain(...args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: ROOT, env: cleanEnv(), timeout: 150_000 },
      (error, stdout, stderr) =>
        resolve({
          code: error ? (typeof error.code === 'number' ? error.code : null) : 0,
          output: `${stdout}${stderr}`,
        }),
    );
  });
}

describe('e2e: dfchain start --local runs the chain on the local stack (npm start)', function () {
  this.timeout(180_000);

  it('the example chain: its lines as they come, exit 0 when it SUCCEEDED', async () => {
    const run = await dfchain('start', 'example', '--local', '--input', '{"date":"2026-11-21"}');
    assert.equal(run.code, 0, run.output);
    assert.match(run.output, /job\.launched +run example-\S+ state Ingest: launched ingest-/);
    assert.match(run.output, /\nrun example-\S+: SUCCEEDED\n$/);
  });

  it('a chain the folder does not have: refused as without --local, before any process starts', async () => {
    const run = await dfchain('start', 'exampel', '--local');
    assert.deepEqual(run, {
      code: 1,
      output: `dfchain start: no chain "exampel" in the chains folder "dag" (chains: example); did you mean "example"? name one of those, or point --chains-dir (DFCHAIN_CHAINS_DIR) at the folder the function was deployed with\n`,
    });
  });
});
