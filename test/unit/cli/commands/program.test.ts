import { strict as assert } from 'node:assert';
import { Command } from 'commander';
import type { Cli } from '../../../../src/cli/commands/cli.js';
import { buildProgram, errorLine, runProgram } from '../../../../src/cli/commands/program.js';

/** A Cli that keeps what it printed, with `env`. */
function testCli(env: NodeJS.ProcessEnv = {}): Cli & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return {
    out: (line) => lines.push(line),
    err: (line) => errors.push(line),
    env,
    tty: false,
    screen: { write: (text) => lines.push(text), columns: () => 80 },
    code: 0,
    lines,
    errors,
  };
}

/** Runs the real program on `argv`; what it printed and its exit code. */
async function dfchain(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const cli = testCli(env);
  const code = await runProgram(buildProgram(cli), cli, argv);
  return { code, out: cli.lines.join('\n'), err: cli.errors.join('\n') };
}

describe('cli program: commander frame', () => {
  it('dfchain --help lists every command, exit 0', async () => {
    const { code, out } = await dfchain(['--help']);
    assert.equal(code, 0);
    for (const name of [
      'validate',
      'render',
      'graph',
      'sink-filter',
      'deploy-facts',
      'start',
      'backfill',
      'cancel',
      'redrive',
      'status',
      'runs',
      'logs',
      'completion',
      'config-table',
    ]) {
      assert.match(out, new RegExp(`^  ${name} `, 'm'), name);
    }
  });

  it('no command: the usage on stdout, exit 2', async () => {
    const { code, out, err } = await dfchain([]);
    assert.equal(code, 2);
    assert.match(out, /^Usage: dfchain <command> \[options\]/);
    assert.equal(err, '');
  });

  it('each command has its own --help with options, defaults and exit codes', async () => {
    const { code, out } = await dfchain(['status', '--help']);
    assert.equal(code, 0);
    assert.match(out, /^Usage: dfchain status \[options\] <RUN_ID>/);
    assert.match(out, /--graph/);
    assert.match(out, /Exit codes:\n {2}0 {2}the run is RUNNING, SUCCEEDED or CANCELLED/);
    assert.match(out, / {2}2 {2}the run FAILED/);
    const start = await dfchain(['start', '-h']);
    assert.match(
      start.out,
      /--topic <T>\s+Pub\/Sub topic to publish on\s+\(default:\s+DFCHAIN_TOPIC,\s+else\s+dfchain-events\)/,
    );
  });

  it('an unknown command: one line with a suggestion, exit 2', async () => {
    const { code, out, err } = await dfchain(['strat', 'example']);
    assert.deepEqual(
      { code, out, err },
      {
        code: 2,
        out: '',
        err: "dfchain: unknown command 'strat' (did you mean start?); dfchain --help shows the usage",
      },
    );
  });

  it('an unknown option: one line with a suggestion, exit 2', async () => {
    const { code, err } = await dfchain(['status', 'r1', '--jsn']);
    assert.equal(code, 2);
    assert.equal(
      err,
      "dfchain status: unknown option '--jsn' (did you mean --json?); dfchain status --help shows the usage",
    );
  });

  it('an extra argument: one line, exit 2', async () => {
    const { code, err } = await dfchain(['cancel', 'r1', 'r2']);
    assert.equal(code, 2);
    assert.equal(
      err,
      "dfchain cancel: too many arguments for 'cancel'. Expected 1 argument but got 2; dfchain cancel --help shows the usage",
    );
  });

  it('a missing argument or option value: one line, exit 1 (as before commander)', async () => {
    const missing = await dfchain(['status']);
    assert.deepEqual(missing, {
      code: 1,
      out: '',
      err: "dfchain status: missing required argument 'RUN_ID'; dfchain status --help shows the usage",
    });
    const noValue = await dfchain(['runs', '--since']);
    assert.equal(noValue.code, 1);
    assert.match(noValue.err, /^dfchain runs: option '--since <T>' argument missing; /);
  });

  it("a command's own exit code comes back: graph's refusal of a format is 1", async () => {
    const { code, err } = await dfchain(['graph', 'example', '--format', 'png']);
    assert.deepEqual({ code, err }, { code: 1, err: 'unknown --format "png": use mermaid or dot' });
  });

  it('--chains-dir defaults to DFCHAIN_CHAINS_DIR, else dag', async () => {
    // The ConfigError reaches main, which prints its message and exits 1.
    await assert.rejects(
      dfchain(['sink-filter'], { DFCHAIN_CHAINS_DIR: 'no-such-folder' }),
      /chains folder "no-such-folder" .* does not exist/,
    );
    const dag = await dfchain(['graph', 'example']);
    assert.equal(dag.code, 0);
    assert.match(dag.out, /^flowchart/);
  });
});

describe('cli program: errorLine', () => {
  it("joins commander's lines into one, naming the command", () => {
    assert.equal(
      errorLine('dfchain x', "error: unknown option '--a'\n(Did you mean --b?)\n"),
      "dfchain x: unknown option '--a' (did you mean --b?); dfchain x --help shows the usage",
    );
  });

  it('takes extra commands: the lead registers more', async () => {
    const cli = testCli();
    const extra = (c: Cli) =>
      new Command('hello').action(() => {
        c.out('hi');
        c.code = 3;
      });
    assert.equal(await runProgram(buildProgram(cli, [extra]), cli, ['hello']), 3);
    assert.deepEqual(cli.lines, ['hi']);
  });
});
