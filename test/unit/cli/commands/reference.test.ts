import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import type { Cli } from '../../../../src/cli/commands/cli.js';
import { buildProgram } from '../../../../src/cli/commands/program.js';
import { cliReference } from '../../../../src/cli/commands/reference.js';

const DOC = new URL('../../../../docs/cli.md', import.meta.url);

const quiet: Cli = { out: () => undefined, err: () => undefined, env: {}, tty: false, code: 0 };

/** A table row's cells without Prettier's padding; other lines as they are. */
function normal(line: string): string {
  if (!line.startsWith('|')) return line;
  return line
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim().replace(/^-+$/, '---'))
    .join('|');
}

describe('cli reference: docs/cli.md', () => {
  it('lists every exit code of every command, in one table', () => {
    const lines = cliReference(buildProgram(quiet));
    assert.ok(lines.includes('| `start` | 3 | with --follow: the run was CANCELLED |'));
    assert.ok(lines.includes('| `status` | 2 | the run FAILED |'));
    assert.ok(lines.includes('### dfchain completion'));
  });

  it('is the reference the commands generate (between <!-- cli-reference:start --> and :end)', () => {
    const doc = readFileSync(DOC, 'utf8');
    const block = /<!-- cli-reference:start -->\n([\s\S]*?)\n<!-- cli-reference:end -->/.exec(doc);
    assert.ok(block, 'docs/cli.md has no cli-reference block');
    const generated = cliReference(buildProgram(quiet)).map(normal);
    assert.deepEqual(
      block[1]!.trim().split('\n').map(normal),
      generated,
      'docs/cli.md differs from the commands: regenerate it (docs/cli.md, "Adding a command")',
    );
  });
});
