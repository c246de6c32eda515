import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { graphCommand } from '../../../src/cli/graph.js';

describe('README picture', () => {
  it('is what `dfchain graph example` prints (the first mermaid block of README.md)', () => {
    const readme = readFileSync('README.md', 'utf8');
    const block = /```mermaid\n([\s\S]*?)```\n/.exec(readme)?.[1];
    const out: string[] = [];
    const code = graphCommand(
      { chain: 'example', dir: 'dag', format: undefined },
      (l) => out.push(l),
      (l) => assert.fail(l),
    );
    assert.equal(code, 0);
    assert.equal(
      block,
      `${out.join('\n')}\n`,
      'regenerate it: npx tsx src/cli/main.ts graph example',
    );
  });
});
