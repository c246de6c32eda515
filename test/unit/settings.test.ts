import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../../src/config.js';
import { RESERVED_ENV } from '../../src/cloudrun/step-marker.js';
import { SETTINGS, configTable, defaultText, settingValue } from '../../src/settings.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/**
 * The environment variables a source reads: `env['X']` and `env.X` (process.env or an env
 * parameter), and every 'DFCHAIN_…' or '…_EMULATOR_HOST' literal (a name read through a helper,
 * as positiveSeconds(env, 'DFCHAIN_…') did, or through a table such as failure.ts's).
 */
function variablesRead(text: string): Set<string> {
  const found = new Set<string>();
  const patterns = [
    /\benv\[\s*['"]([A-Z][A-Z0-9_]*)['"]\s*\]/g,
    /\benv\.([A-Z][A-Z0-9_]*)\b/g,
    /['"`]((?:DFCHAIN_[A-Z0-9_]+)|(?:[A-Z]+_EMULATOR_HOST))['"`]/g,
  ];
  for (const pattern of patterns) for (const m of text.matchAll(pattern)) found.add(m[1]!);
  return found;
}

describe('settings: the one configuration table', () => {
  const table = new Set<string>(Object.values(SETTINGS).map((s) => s.env));

  it('finds the reads it looks for (so that the next test can fail)', () => {
    assert.deepEqual(
      [
        ...variablesRead(
          "env['A_B'] process.env.C_D positiveSeconds(env, 'DFCHAIN_X') { variable: 'PUBSUB_EMULATOR_HOST' } env['lower']",
        ),
      ].sort(),
      ['A_B', 'C_D', 'DFCHAIN_X', 'PUBSUB_EMULATOR_HOST'],
    );
  });

  it('has every environment variable read under src/', () => {
    const missing: string[] = [];
    for (const file of sources(join(ROOT, 'src'))) {
      for (const name of variablesRead(readFileSync(file, 'utf8'))) {
        // The step marker's names are set in a Cloud Run workload's env, never read by dfchain.
        if (RESERVED_ENV.includes(name as (typeof RESERVED_ENV)[number])) continue;
        if (!table.has(name)) missing.push(`${relative(ROOT, file)}: ${name}`);
      }
    }
    assert.deepEqual(missing, [], 'add each to SETTINGS in src/settings.ts');
  });

  it("agrees with parseConfig's defaults", () => {
    const config = parseConfig({ GOOGLE_CLOUD_PROJECT: 'p' });
    assert.deepEqual(
      {
        chainsDir: config.chainsDir,
        store: config.store,
        firestoreDatabase: config.firestoreDatabase,
        topic: config.topic,
        timers: config.timers,
        tasksQueue: config.tasksQueue,
        tasksLocation: config.tasksLocation,
        confirmDeadlineMs: config.confirmDeadlineMs,
        confirmPollMs: config.confirmPollMs,
        dataflowTimeoutMs: config.dataflowTimeoutMs,
        launchLeaseMs: config.launchLeaseMs,
        maxActiveJobs: config.maxActiveJobs,
        quotaRetryMs: config.quotaRetryMs,
      },
      {
        chainsDir: SETTINGS.chainsDir.default,
        store: SETTINGS.store.default,
        firestoreDatabase: SETTINGS.firestoreDatabase.default,
        topic: SETTINGS.topic.default,
        timers: SETTINGS.timers.default,
        tasksQueue: SETTINGS.tasksQueue.default,
        tasksLocation: SETTINGS.tasksLocation.default,
        confirmDeadlineMs: Number(SETTINGS.confirmDeadlineSeconds.default) * 1000,
        confirmPollMs: Number(SETTINGS.confirmPollSeconds.default) * 1000,
        dataflowTimeoutMs: Number(SETTINGS.dataflowTimeoutSeconds.default) * 1000,
        launchLeaseMs: Number(SETTINGS.launchLeaseSeconds.default) * 1000,
        maxActiveJobs: Number(SETTINGS.maxActiveJobs.default),
        quotaRetryMs: Number(SETTINGS.quotaRetrySeconds.default) * 1000,
      },
    );
    assert.equal(config.timing, undefined);
    assert.equal(SETTINGS.timing.default, '0');
  });

  it('gives a value: the variable when set and not empty, else the default', () => {
    assert.equal(settingValue('topic', { DFCHAIN_TOPIC: 't1' }), 't1');
    assert.equal(settingValue('topic', { DFCHAIN_TOPIC: '' }), 'dfchain-events');
    assert.equal(settingValue('dataflowRootUrl', {}), undefined);
    assert.equal(defaultText('chainsDir'), 'DFCHAIN_CHAINS_DIR, else dag');
    assert.equal(defaultText('project'), 'GOOGLE_CLOUD_PROJECT');
  });

  it('prints one Markdown row per setting, pipes escaped', () => {
    const lines = configTable();
    assert.equal(lines.length, Object.keys(SETTINGS).length + 2);
    assert.equal(lines[0], '| Variable | Flag | Default | Read by | What it sets |');
    assert.equal(
      lines.find((line) => line.startsWith('| `DFCHAIN_TOPIC`')),
      '| `DFCHAIN_TOPIC` | `--topic` | `dfchain-events` | function, command | Pub/Sub topic of the events: start and cancel publish to it, due timers too |',
    );
    assert.ok(
      lines.every((line) => line.split(/(?<!\\)\|/).length === 7),
      lines.join('\n'),
    );
  });

  it("is the README's table, between <!-- config-table:start --> and <!-- config-table:end -->", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const block = /<!-- config-table:start -->\n([\s\S]*?)\n<!-- config-table:end -->/.exec(readme);
    assert.ok(
      block,
      'README.md has no <!-- config-table:start --> … <!-- config-table:end --> block: paste the output of `npx tsx src/cli/main.ts config-table` between those markers under ## Configuration',
    );
    // Prettier pads the README's table columns: compare the cells, not the spacing.
    const cells = (line: string) =>
      line
        .split(/(?<!\\)\|/)
        .map((c) => c.trim().replace(/^-+$/, '---'))
        .join('|');
    assert.deepEqual(
      block[1]!.trim().split('\n').map(cells),
      configTable().map(cells),
      'the README table differs from src/settings.ts: regenerate it with npx tsx src/cli/main.ts config-table',
    );
  });
});
