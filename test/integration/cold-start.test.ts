import { strict as assert } from 'node:assert';
import { fileURLToPath } from 'node:url';
import { startFunction } from '../../src/local/function-process.js';
import { PACKAGE_ROOT } from '../../src/local/stack.js';

const INVALID = fileURLToPath(new URL('../fixtures/invalid-chains/', import.meta.url));

describe('cold start of the built function under functions-framework', function () {
  this.timeout(60_000);

  it('refuses to start on an invalid chain, naming file, JSON path and fix', async () => {
    const env = {
      DFCHAIN_CHAINS_DIR: INVALID,
      DFCHAIN_DATAFLOW_ROOT_URL: 'http://127.0.0.1:9/',
      DFCHAIN_STORE: 'memory',
      METADATA_SERVER_DETECTION: 'none',
    };
    await assert.rejects(startFunction(PACKAGE_ROOT, env, 20_000), (error: Error) => {
      assert.match(error.message, /functions-framework did not start/);
      assert.ok(
        error.message.includes(
          `${INVALID}daily.json: States.Ingest.Next: "Pubilsh" is not a state (did you mean "Publish"?)`,
        ),
        error.message,
      );
      return true;
    });
  });

  it('refuses to start without a project outside the local stack', async () => {
    const env = {
      DFCHAIN_CHAINS_DIR: 'dag',
      GOOGLE_CLOUD_PROJECT: '',
      DFCHAIN_DATAFLOW_ROOT_URL: '',
      METADATA_SERVER_DETECTION: 'none',
    };
    await assert.rejects(
      startFunction(PACKAGE_ROOT, env, 20_000),
      /GOOGLE_CLOUD_PROJECT is not set/,
    );
  });
});
