import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');
const DEPCRUISE = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

/** One reported violation, reduced to what the rules promise. */
interface Violation {
  readonly rule: string;
  readonly from: string;
  readonly to: string;
}

interface CruiseResult {
  readonly status: number | null;
  readonly violations: Violation[];
}

/**
 * Runs the project's own rule file (the one `npm run check` uses) on a throwaway tree, so the
 * rules are tested exactly as they run, and the deliberately broken tree never sits in the repo
 * where the real check would see it.
 */
function cruise(files: Record<string, string>): CruiseResult {
  const dir = mkdtempSync(join(tmpdir(), 'dfchain-layering-'));
  try {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    // Real packages resolve as in the project: the cloud-client rule matches resolved paths.
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    const run = (...output: string[]) => {
      const result = spawnSync(
        process.execPath,
        [DEPCRUISE, '--config', CONFIG, ...output, 'src', 'test'],
        { cwd: dir, encoding: 'utf8', timeout: 60_000 },
      );
      if (result.error) throw result.error;
      return result;
    };
    // As npm run check runs it (the text reporter sets the exit code), then as JSON to read.
    const { status } = run();
    const report = JSON.parse(run('--output-type', 'json').stdout) as {
      summary: { violations: { from: string; to: string; rule: { name: string } }[] };
    };
    const violations = report.summary.violations
      .map((v) => ({ rule: v.rule.name, from: v.from, to: v.to.replace(/^.*node_modules\//, '') }))
      .sort((a, b) => `${a.rule} ${a.from} ${a.to}`.localeCompare(`${b.rule} ${b.from} ${b.to}`));
    return { status, violations };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Imports every rule allows: the engine on chain types and pure built-ins, the local stack and
// the tests on production code, tests on each other.
const ALLOWED: Record<string, string> = {
  'src/chain/types.ts': 'export type Chain = { readonly StartAt: string };\n',
  'src/engine/pure.ts':
    "import { createHash } from 'node:crypto';\nimport type { Chain } from '../chain/types.js';\nexport const hash = (c: Chain) => createHash('sha256').update(c.StartAt).digest('hex');\n",
  'src/wiring.ts': "import { hash } from './engine/pure.js';\nexport const deps = { hash };\n",
  'src/index.ts': "import { deps } from './wiring.js';\nexport default deps;\n",
  'src/local/faulty.ts': "import { deps } from '../wiring.js';\nexport const faulty = deps;\n",
  'test/helper.ts': "import { faulty } from '../src/local/faulty.js';\nexport const h = faulty;\n",
  'test/x.test.ts': "import { h } from './helper.js';\nexport const x = h;\n",
};

describe('layering: the dependency-cruiser rules of npm run check', function () {
  // Four cruises of a few files each: one to two seconds apiece on this machine.
  this.timeout(60_000);

  it('finds nothing in a tree whose imports all go the allowed way', () => {
    const { status, violations } = cruise(ALLOWED);
    assert.deepEqual(violations, []);
    assert.equal(status, 0);
  });

  it('reports each forbidden import: cycle, production to src/local, impure engine, tests, unresolved', () => {
    const { status, violations } = cruise({
      ...ALLOWED,
      // The deps.ts <-> tick.ts shape: a cycle through type-only imports.
      'src/handler/deps.ts':
        "import type { Limits } from './tick.js';\nexport interface Deps { readonly limits?: Limits }\n",
      'src/handler/tick.ts':
        "import type { Deps } from './deps.js';\nexport interface Limits { readonly max: number }\nexport const tick = (d: Deps) => d;\n",
      // The old wiring.ts shape: a dynamic import of the local fault decorators.
      'src/wiring.ts':
        "import { hash } from './engine/pure.js';\nexport const deps = { hash };\nexport const faults = async () => (await import('./local/random.js')).seed;\n",
      'src/local/random.ts': 'export const seed = 1;\n',
      'src/cli/main.ts':
        "import { faulty } from '../local/faulty.js';\nexport const cli = faulty;\n",
      'src/engine/io.ts':
        "import { readFileSync } from 'node:fs';\nimport { setTimeout } from 'node:timers/promises';\nexport const io = [readFileSync, setTimeout];\n",
      'src/engine/cloud.ts':
        "import type { Firestore } from '@google-cloud/firestore';\nexport type Db = Firestore;\n",
      'src/engine/up.ts': "import { tick } from '../handler/tick.js';\nexport const up = tick;\n",
      'src/index.ts':
        "import { deps } from './wiring.js';\nimport { h } from '../test/helper.js';\nexport default [deps, h];\n",
      'src/gone.ts': "import { nothing } from './missing.js';\nexport const gone = nothing;\n",
    });
    assert.deepEqual(
      violations.map((v) => [
        v.rule,
        v.from,
        v.to.startsWith('@google-cloud/') ? '@google-cloud/…' : v.to,
      ]),
      [
        ['engine-no-cloud-clients', 'src/engine/cloud.ts', '@google-cloud/…'],
        ['engine-no-io-builtins', 'src/engine/io.ts', 'fs'],
        ['engine-no-io-builtins', 'src/engine/io.ts', 'timers/promises'],
        ['engine-not-to-outer-layers', 'src/engine/up.ts', 'src/handler/tick.ts'],
        // A cycle is reported once, at the first module on it.
        ['no-circular', 'src/handler/deps.ts', 'src/handler/tick.ts'],
        ['not-to-test', 'src/index.ts', 'test/helper.ts'],
        ['not-to-unresolvable', 'src/gone.ts', './missing.js'],
        ['production-not-to-local', 'src/cli/main.ts', 'src/local/faulty.ts'],
        ['production-not-to-local', 'src/wiring.ts', 'src/local/random.ts'],
      ],
    );
    // The check fails: depcruise exits with the number of errors.
    assert.equal(status, violations.length);
  });
});
