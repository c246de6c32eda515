import { strict as assert } from 'node:assert';
import { createServer, type Server } from 'node:net';
import type { Cli } from '../../../../src/cli/commands/cli.js';
import { buildProgram, runProgram } from '../../../../src/cli/commands/program.js';
import { memoryStoreLine } from '../../../../src/cli/status-store.js';

/** Runs `dfchain console ARGS` in-process; what it printed and its exit code. */
async function dfchainConsole(args: string[], env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const cli: Cli = {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    env,
    tty: false,
    screen: { write: (text) => out.push(text), columns: () => 80 },
    code: 0,
  };
  const code = await runProgram(buildProgram(cli), cli, ['console', ...args]);
  return { code, out, err };
}

/** A server holding a free port of 127.0.0.1. */
async function holdPort(): Promise<Server> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

describe('cli: dfchain console', () => {
  for (const port of ['abc', '70000', '1.5', '']) {
    it(`--port "${port}": exit 1 with one line, nothing served`, async () => {
      assert.deepEqual(await dfchainConsole(['--port', port]), {
        code: 1,
        out: [],
        err: [`dfchain console: --port must be a whole number from 0 to 65535, got "${port}"`],
      });
    });
  }

  it('DFCHAIN_STORE=memory: exit 1 with the refusal line', async () => {
    assert.deepEqual(await dfchainConsole([], { DFCHAIN_STORE: 'memory' }), {
      code: 1,
      out: [],
      err: [memoryStoreLine('console')],
    });
    assert.match(memoryStoreLine('console'), /^dfchain console: DFCHAIN_STORE=memory /);
  });

  it('a port that is taken: exit 1 saying so and how to pick another', async () => {
    const held = await holdPort();
    try {
      const { port } = held.address() as { port: number };
      const result = await dfchainConsole(['--port', String(port)], {
        GOOGLE_CLOUD_PROJECT: 'p',
        FIRESTORE_EMULATOR_HOST: '127.0.0.1:9',
      });
      assert.deepEqual(result, {
        code: 1,
        out: [],
        err: [
          `dfchain console: port ${port} on 127.0.0.1 is taken (another console?): pick another with --port P, or --port 0 for a free one`,
        ],
      });
    } finally {
      await new Promise((resolve) => held.close(resolve));
    }
  });
});
