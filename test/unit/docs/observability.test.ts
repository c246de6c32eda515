import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EndedJob } from '../../../src/dataflow/job.js';
import { onJobEnded } from '../../../src/engine/job-ended.js';
import { jobLabels } from '../../../src/engine/labels.js';
import type { Run } from '../../../src/engine/run.js';
import { startRun } from '../../../src/engine/start.js';
import { RUN_EVENTS } from '../../../src/engine/transition.js';
import { threeSteps } from '../../fixtures/chains.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DOC = readFileSync(join(ROOT, 'docs/observability.md'), 'utf8');

/** Every .ts file under `dir`. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/**
 * The event names a source text writes: the dotted string literals of each `event:` value
 * (`event: 'run.started'`, `event: adopted ? 'job.adopted' : 'job.launched'`).
 */
export function eventNames(text: string): string[] {
  const names: string[] = [];
  for (const [, value] of text.matchAll(/\bevent:\s*([^,\n}]*)/g)) {
    for (const [, name] of value!.matchAll(/['"]([a-z]+\.[a-z_]+)['"]/g)) names.push(name!);
  }
  return names;
}

/** Each event name written in src/, with the files that write it. */
function emitted(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of sources(join(ROOT, 'src'))) {
    for (const name of eventNames(readFileSync(file, 'utf8'))) {
      found.set(name, [...(found.get(name) ?? []), relative(ROOT, file)]);
    }
  }
  return found;
}

/** The events the doc's tables describe: rows starting with a `code` name. */
const documented = new Set([...DOC.matchAll(/^\| `([a-z]+\.[a-z_]+)`/gm)].map(([, name]) => name!));

describe('docs/observability.md', () => {
  it('reads event names from event: values, including both arms of a conditional', () => {
    assert.deepEqual(
      eventNames(
        "d.event({ event: 'run.started' });\nconst x = { event: adopted ? 'job.adopted' : 'job.launched', runId };\nlogger.write({ severity: 'INFO', event: \"tick.done\", message });\nreadonly event: string;",
      ),
      ['run.started', 'job.adopted', 'job.launched', 'tick.done'],
    );
  });

  it('documents every event src/ writes (add a row to its tables when you add an event)', () => {
    const found = emitted();
    // The scan must see the engine's, the handler's and the conditional ones.
    for (const name of ['run.failed', 'job.adopted', 'launch.quota_wait', 'tick.done']) {
      assert.ok(found.has(name), `the scan of src/ missed ${name}`);
    }
    const missing = [...found]
      .filter(([name]) => !documented.has(name))
      .map(([name, files]) => `${name} (${files.join(', ')})`);
    assert.deepEqual(missing, [], 'events written in src/ but not in docs/observability.md');
  });

  it('documents every run transition (RUN_EVENTS) and no event src/ does not write', () => {
    for (const name of RUN_EVENTS) assert.ok(documented.has(name), name);
    const found = emitted();
    const stale = [...documented].filter(
      (name) => !found.has(name) && !RUN_EVENTS.includes(name as never),
    );
    assert.deepEqual(stale, [], 'rows of events that src/ no longer writes');
  });

  it('documents every metric of infra/metrics and both alert policies', () => {
    const metrics = readdirSync(join(ROOT, 'infra/metrics')).map((f) => f.replace(/\.json$/, ''));
    assert.ok(metrics.length >= 5, metrics.join(', '));
    for (const name of metrics) assert.ok(DOC.includes(`| \`${name}\``), name);
    for (const file of ['alert-runs-failed.json', 'alert-deadline-missed.json']) {
      const policy = JSON.parse(readFileSync(join(ROOT, 'infra', file), 'utf8')) as {
        displayName: string;
      };
      assert.ok(DOC.includes(`"${policy.displayName}"`), policy.displayName);
    }
  });

  it('every jsonPayload field a metric or policy reads is a documented field', () => {
    const files = [
      ...readdirSync(join(ROOT, 'infra/metrics')).map((f) => join('infra/metrics', f)),
      'infra/alert-runs-failed.json',
    ];
    for (const file of files) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      for (const [, field] of text.matchAll(/jsonPayload\.(\w+)/g)) {
        assert.ok(DOC.includes(`\`${field!}\``), `${file}: jsonPayload.${field!}`);
      }
    }
  });
});

describe('the job.confirmed line carries durationSeconds (the dfchain-step-duration metric)', () => {
  const T0 = '2026-11-22T10:00:00.000Z';
  const INGEST = 'ingest-7c8300b00871';
  const run = (): Run =>
    startRun({
      runId: 'daily-1',
      chain: 'daily',
      definition: threeSteps,
      definitionHash: 'h1',
      projectId: 'p',
      input: { date: '2026-11-21' },
      now: T0,
      nonce: 'n0nce',
    }).run;
  const job: EndedJob = {
    id: 'j1',
    name: INGEST,
    projectId: 'p',
    location: 'europe-west4',
    currentState: 'JOB_STATE_DONE',
    labels: jobLabels('daily-1', 'daily', 'Ingest'),
  };

  it('seconds from the recorded launch to the confirmed end', () => {
    const started = run();
    const launched: Run = {
      ...started,
      steps: {
        [INGEST]: { ...started.steps[INGEST]!, status: 'LAUNCHED', jobId: 'j1', launchedAt: T0 },
      },
    };
    const t = onJobEnded(threeSteps, launched, job, '2026-11-22T10:12:30.500Z');
    const line = t.events.find((e) => e.event === 'job.confirmed');
    assert.equal(line?.durationSeconds, 750.5);
  });

  it('absent when the launch was never recorded (the step ended while only intended)', () => {
    const t = onJobEnded(threeSteps, run(), job, '2026-11-22T10:12:30.500Z');
    const line = t.events.find((e) => e.event === 'job.confirmed');
    assert.ok(line, 'a job.confirmed line');
    assert.equal('durationSeconds' in line, false);
  });
});
