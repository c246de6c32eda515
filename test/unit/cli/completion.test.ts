import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import type { Cli } from '../../../src/cli/commands/cli.js';
import { buildProgram, runProgram } from '../../../src/cli/commands/program.js';
import { bashScript } from '../../../src/cli/completion-bash.js';
import { fishScript } from '../../../src/cli/completion-fish.js';
import { zshScript } from '../../../src/cli/completion-zsh.js';
import { completionModel } from '../../../src/cli/completion.js';

function quietCli(): Cli & { lines: string[] } {
  const lines: string[] = [];
  return {
    out: (line) => lines.push(line),
    err: () => undefined,
    env: {},
    tty: false,
    code: 0,
    lines,
  };
}

/** What `dfchain completion SHELL` prints. */
async function script(shell: string): Promise<string> {
  const cli = quietCli();
  assert.equal(await runProgram(buildProgram(cli), cli, ['completion', shell]), 0);
  return cli.lines.join('\n');
}

describe('completion: scripts from the command tree', function () {
  this.timeout(20_000);
  let home: string;
  let bash: string;

  before(async () => {
    home = mkdtempSync(join(tmpdir(), 'dfchain-completion-'));
    for (const dir of ['chains', 'other', 'chains/sub'])
      mkdirSync(join(home, dir), { recursive: true });
    for (const name of ['daily', 'dedupe'])
      writeFileSync(join(home, 'chains', `${name}.json`), '{}');
    writeFileSync(join(home, 'chains', 'notes.txt'), '');
    writeFileSync(join(home, 'other', 'weekly.json'), '{}');
    bash = await script('bash');
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  /**
   * Completes the last word of `line` as bash does on Tab: the script sourced, COMP_WORDS and
   * COMP_CWORD set, _dfchain called; COMPREPLY sorted.
   */
  function complete(line: string, env: NodeJS.ProcessEnv = {}): string[] {
    const words = line.split(' ');
    const program = [
      bash,
      `COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')})`,
      `COMP_CWORD=${words.length - 1}`,
      '_dfchain',
      'printf "%s\\n" "${COMPREPLY[@]}"',
    ].join('\n');
    // --norc and no stdin: bash reads ~/.bashrc when its stdin looks like a remote shell's.
    const run = spawnSync('bash', ['--norc', '--noprofile', '-c', program], {
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: home,
      env: { PATH: process.env['PATH'], ...env },
      encoding: 'utf8',
    });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stderr, '');
    return run.stdout
      .split('\n')
      .filter((w) => w !== '')
      .sort();
  }

  it('bash: the script parses (bash -n)', () => {
    const run = spawnSync('bash', ['-n'], { input: bash, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
  });

  it('bash: commands, then their options', () => {
    assert.deepEqual(complete('dfchain sta'), ['start', 'status']);
    assert.deepEqual(complete('dfchain start --fo'), ['--follow']);
    assert.deepEqual(complete('dfchain status r1 --'), ['--graph', '--help', '--json', '--watch']);
    assert.deepEqual(complete('dfchain help s'), ['sink-filter', 'start', 'status']);
    assert.deepEqual(complete('dfchain completion '), ['bash', 'fish', 'zsh']);
  });

  it('bash: a CHAIN from the chains folder: --chains-dir on the line, else DFCHAIN_CHAINS_DIR, else dag', () => {
    assert.deepEqual(complete('dfchain start d', { DFCHAIN_CHAINS_DIR: 'chains' }), [
      'daily',
      'dedupe',
    ]);
    assert.deepEqual(
      complete('dfchain graph --chains-dir other ', { DFCHAIN_CHAINS_DIR: 'chains' }),
      ['weekly'],
    );
    assert.deepEqual(complete('dfchain render --chains-dir=other w'), ['weekly']);
    // Only the first positional is a chain; an option's value is not a positional.
    assert.deepEqual(complete('dfchain start --run-id x ', { DFCHAIN_CHAINS_DIR: 'chains' }), [
      'daily',
      'dedupe',
    ]);
    assert.deepEqual(complete('dfchain start daily ', { DFCHAIN_CHAINS_DIR: 'chains' }), []);
    // No dag folder here: nothing, and no error.
    assert.deepEqual(complete('dfchain start '), []);
  });

  it('bash: a folder after --chains-dir, files for validate', () => {
    assert.deepEqual(complete('dfchain start x --chains-dir ch'), ['chains']);
    assert.deepEqual(complete('dfchain validate chains/d'), [
      'chains/daily.json',
      'chains/dedupe.json',
    ]);
    assert.deepEqual(complete('dfchain start --run-id '), []);
  });

  it('zsh: the same function under bashcompinit', async () => {
    const zsh = await script('zsh');
    assert.match(zsh, /^autoload -U \+X bashcompinit && bashcompinit$/m);
    assert.ok(zsh.includes(bash.slice(bash.indexOf('_dfchain_chains() {'))), 'the bash function');
    const run = spawnSync('bash', ['-n'], { input: zsh, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
  });

  it('fish: one complete line per command and option, chains for CHAIN', async () => {
    const fish = await script('fish');
    assert.match(
      fish,
      /^complete -c dfchain -n __fish_use_subcommand -a start -d 'start a run of a chain/m,
    );
    assert.match(
      fish,
      /^complete -c dfchain -n '__fish_seen_subcommand_from start' -l chains-dir -r -f -a '\(__fish_complete_directories\)' -d /m,
    );
    assert.match(
      fish,
      /^complete -c dfchain -n '__fish_seen_subcommand_from start' -a '\(__dfchain_chains\)'$/m,
    );
    assert.match(
      fish,
      /^complete -c dfchain -n '__fish_seen_subcommand_from graph' -a '\(__dfchain_chains\)'$/m,
    );
    assert.match(
      fish,
      /^complete -c dfchain -n '__fish_seen_subcommand_from completion' -a 'bash zsh fish'$/m,
    );
    // A quote in a description stays inside its word.
    assert.match(fish, /-d 'print a run'\\''s entries in Cloud Logging'$/m);
  });

  it('is read off the tree: a command or option added there is completed', () => {
    const program = new Command('dfchain');
    program.addCommand(
      new Command('backfill')
        .summary('runs for past dates')
        .argument('<CHAIN>')
        .addOption(new Option('--mode <M>').choices(['serial', 'parallel'])),
    );
    const model = completionModel(program);
    assert.deepEqual(
      model.map((c) => c.name),
      ['backfill', 'help'],
    );
    const text = bashScript(model);
    assert.match(
      text,
      /--mode\) COMPREPLY=\(\$\(compgen -W 'serial parallel' -- "\$cur"\)\); return ;;/,
    );
    assert.match(fishScript(model), /-l mode -r -f -a 'serial parallel'/);
    assert.match(zshScript(model), /backfill\)/);
  });
});
