import { strict as assert } from 'node:assert';
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const FIXTURE = fileURLToPath(new URL('../../fixtures/local/shutdown-child.ts', import.meta.url));

/** Live (non-zombie) members of process group `pgid`. */
function members(pgid: number): string[] {
  const rows = execFileSync('ps', ['-eo', 'pid=,pgid=,stat=']).toString().trim().split('\n');
  return rows.filter((row) => {
    const [, group, stat = ''] = row.trim().split(/\s+/);
    return Number(group) === pgid && !stat.startsWith('Z');
  });
}

async function gone(pgid: number, withinMs = 5000): Promise<string[]> {
  const deadline = Date.now() + withinMs;
  let left = members(pgid);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    left = members(pgid);
  }
  return left;
}

/** Runs the fixture in `mode`, sends `signal` once it started its group; its exit and output. */
function runFixture(
  mode: string,
  signal?: NodeJS.Signals,
): Promise<{ code: number | null; output: string; pgid: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, mode], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let pgid = 0;
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(/group (\d+)/);
      if (match && pgid === 0) {
        pgid = Number(match[1]);
        if (signal) child.kill(signal);
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the fixture (${mode}) did not exit; output:\n${output}`));
    }, 15_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output, pgid });
    });
  });
}

describe('local: shutdown (every way out of npm start stops what it started)', function () {
  this.timeout(30_000);

  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const) {
    it(`${signal}: runs the cleanup, stops the group, exits ${code}`, async () => {
      const result = await runFixture('wait', signal);
      assert.equal(result.code, code, result.output);
      assert.match(result.output, /cleanup ran/);
      assert.deepEqual(await gone(result.pgid), []);
    });
  }

  it('an uncaught exception: says so, runs the cleanup, stops the group, exits 1', async () => {
    const result = await runFixture('throw');
    assert.equal(result.code, 1, result.output);
    assert.match(result.output, /unexpected error, stopping the local stack: Error: boom/);
    assert.match(result.output, /cleanup ran/);
    assert.deepEqual(await gone(result.pgid), []);
  });

  it('an unhandled rejection: the same, exit 1', async () => {
    const result = await runFixture('reject');
    assert.equal(result.code, 1, result.output);
    assert.match(result.output, /rejected in the fixture/);
    assert.deepEqual(await gone(result.pgid), []);
  });

  it('process.exit from anywhere: the exit hook still kills the group', async () => {
    const result = await runFixture('exit');
    assert.equal(result.code, 3, result.output);
    assert.deepEqual(await gone(result.pgid), []);
  });
});
