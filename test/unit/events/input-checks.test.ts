import { strict as assert } from 'node:assert';
import { decodeEvent } from '../../../src/events/decode.js';
import {
  JOB_ID_PATTERN,
  PROJECT_ID_PATTERN,
  REGION_PATTERN,
} from '../../../src/events/google-ids.js';
import { MAX_INPUT_BYTES, MAX_INPUT_DEPTH } from '../../../src/events/input-limits.js';
import type { IncomingEvent, Signal } from '../../../src/events/signal.js';
import type { Json } from '../../../src/json.js';
import { jobPayload, published, sinkEntry, statusChanged } from './fixtures.js';

const labels = (sinkEntry().resource as { labels: Record<string, string> }).labels;
const withLabels = (changes: Record<string, unknown>): Record<string, unknown> =>
  sinkEntry({ resource: { type: 'dataflow_step', labels: { ...labels, ...changes } } });

const ignored = (category: 'malformed' | 'foreign', reason: string): Signal => ({
  kind: 'ignored',
  category,
  reason,
});

/** An input object nested `depth` levels deep (the object itself is level 1). */
function nested(depth: number): Json {
  let value: Json = {};
  for (let i = 1; i < depth; i++) value = { a: value };
  return value;
}

describe('start input caps', () => {
  const start = (input: Json): IncomingEvent =>
    published({ dfchain: 'start', chain: 'daily', input });

  it('pins its documented limits: 256 KiB of JSON and 16 levels', () => {
    assert.equal(MAX_INPUT_BYTES, 262_144);
    assert.equal(MAX_INPUT_DEPTH, 16);
  });

  it(`accepts an input ${MAX_INPUT_DEPTH} levels deep and ${MAX_INPUT_BYTES} bytes`, () => {
    const deep = nested(MAX_INPUT_DEPTH);
    assert.deepEqual(decodeEvent(start(deep)), { kind: 'start', chain: 'daily', input: deep });
    const overhead = JSON.stringify({ s: '' }).length;
    const big = { s: 'x'.repeat(MAX_INPUT_BYTES - overhead) };
    assert.deepEqual(decodeEvent(start(big)), { kind: 'start', chain: 'daily', input: big });
  });

  it('rejects an input one level too deep, and one 20,000 deep, with the reason', () => {
    const reason = `start.input is nested more than 16 levels deep, over dfchain's limit of 16 (the input object is level 1); flatten it`;
    assert.deepEqual(decodeEvent(start(nested(MAX_INPUT_DEPTH + 1))), ignored('malformed', reason));
    // Written as text: JSON.stringify itself throws RangeError on such a value.
    const deepText = `${'{"a":'.repeat(19_999)}{}${'}'.repeat(19_999)}`;
    const arraysText = `{"a":${'['.repeat(20_000)}${']'.repeat(20_000)}}`;
    for (const input of [deepText, arraysText]) {
      const text = `{"dfchain":"start","chain":"daily","input":${input}}`;
      assert.deepEqual(decodeEvent(published(text)), ignored('malformed', reason));
    }
  });

  it('rejects an input one byte over the size cap, counting UTF-8 bytes', () => {
    const overhead = JSON.stringify({ s: '' }).length;
    assert.deepEqual(
      decodeEvent(start({ s: 'x'.repeat(MAX_INPUT_BYTES - overhead + 1) })),
      ignored(
        'malformed',
        `start.input is 262145 bytes as JSON, over dfchain's limit of 262144 (256 KiB); pass a reference to the data, such as a gs:// path, instead`,
      ),
    );
    // 'é' is one character but two bytes.
    const accents = { s: 'é'.repeat(MAX_INPUT_BYTES / 2) };
    const bytes = Buffer.byteLength(JSON.stringify(accents));
    assert.deepEqual(
      decodeEvent(start(accents)),
      ignored(
        'malformed',
        `start.input is ${bytes} bytes as JSON, over dfchain's limit of 262144 (256 KiB); pass a reference to the data, such as a gs:// path, instead`,
      ),
    );
  });
});

describe('did-you-mean bounded: a 1 MB key in a command', () => {
  it('gets its validation message quickly, with bounded memory', () => {
    const key = 'k'.repeat(1_000_000); // 1 MB: a 1 MiB message is the decoder's own cap
    const event = published({ dfchain: 'start', chain: 'daily', [key]: 1 });
    const heapBefore = process.memoryUsage().heapUsed;
    const started = performance.now();
    const signal = decodeEvent(event);
    const elapsed = performance.now() - started;
    const grown = process.memoryUsage().heapUsed - heapBefore;
    assert.deepEqual(
      signal,
      ignored(
        'malformed',
        `start has unknown field "${'k'.repeat(80)}…" (expected dfchain, chain, runId, input, scheduled, scheduledTime)`,
      ),
    );
    // Decoding parses the 1.4 MB base64 message itself; the suggestion adds nothing to that.
    assert.ok(elapsed < 200, `took ${elapsed.toFixed(1)} ms`);
    assert.ok(grown < 32 * 1024 * 1024, `heap grew ${grown} bytes`);
  });
});

describe('validate before calling Google', () => {
  const cases: [string, IncomingEvent, string][] = [
    [
      'a job id with a path in it (sink)',
      published(withLabels({ job_id: '../../jobs/x' })),
      'Dataflow LogEntry resource.labels.job_id "../../jobs/x" is not a Dataflow job id (such as "2026-11-21_21_55_23-649376001891440663"); not looked up',
    ],
    [
      'a region with a query in it (sink)',
      published(withLabels({ region: 'europe-west4?alt=x' })),
      'Dataflow LogEntry resource.labels.region "europe-west4?alt=x" is not a Dataflow region (such as "europe-west4"); not looked up',
    ],
    [
      'a project id in logName that cannot be one (sink)',
      published(
        sinkEntry({ logName: 'projects/My_Proj/logs/dataflow.googleapis.com%2Fjob-message' }),
      ),
      'Dataflow LogEntry logName project "My_Proj" is not a Google Cloud project id (6 to 30 lowercase letters, digits or hyphens, starting with a letter; or domain:id); not looked up',
    ],
    [
      'a project label that is neither id nor number (sink, no project in logName)',
      published({
        ...withLabels({ project_id: '12ab' }),
        logName: 'organizations/1/logs/dataflow.googleapis.com%2Fjob-message',
      }),
      'Dataflow LogEntry resource.labels.project_id "12ab" is not a Google Cloud project id (6 to 30 lowercase letters, digits or hyphens, starting with a letter; or domain:id); not looked up',
    ],
    [
      'a 1 MB job id (Eventarc), quoted short',
      statusChanged(jobPayload({ id: '9'.repeat(1024 * 1024) })),
      `statusChanged data.payload.id "${'9'.repeat(80)}…" is not a Dataflow job id (such as "2026-11-21_21_55_23-649376001891440663"); not looked up`,
    ],
    [
      'a region in capitals (Eventarc)',
      statusChanged(jobPayload({ location: 'EUROPE-WEST4' })),
      'statusChanged data.payload.location "EUROPE-WEST4" is not a Dataflow region (such as "europe-west4"); not looked up',
    ],
    [
      'a project number where Eventarc names the project id',
      statusChanged(jobPayload({ projectId: '123456789012' })),
      'statusChanged data.payload.projectId "123456789012" is not a Google Cloud project id (6 to 30 lowercase letters, digits or hyphens, starting with a letter; or domain:id); not looked up',
    ],
  ];
  for (const [name, event, reason] of cases) {
    it(`ignores ${name}`, () => assert.deepEqual(decodeEvent(event), ignored('malformed', reason)));
  }

  it('accepts a domain-scoped project and a project number from resource.labels', () => {
    const scoped = decodeEvent(statusChanged(jobPayload({ projectId: 'example.com:my-proj' })));
    assert.equal(scoped.kind === 'jobEnded' && scoped.projectId, 'example.com:my-proj');
    const numbered = decodeEvent(
      published(
        sinkEntry({ logName: 'organizations/1/logs/dataflow.googleapis.com%2Fjob-message' }),
      ),
    );
    assert.equal(numbered.kind === 'jobEnded' && numbered.projectId, '123456789012');
  });

  const patterns: [RegExp, string, boolean][] = [
    [JOB_ID_PATTERN, '2026-11-21_21_55_23-649376001891440663', true],
    [JOB_ID_PATTERN, '2026-11-21_21_55_23-18446744073709551615', true],
    [JOB_ID_PATTERN, '2026-11-21_21_55_23-184467440737095516150', false],
    [JOB_ID_PATTERN, 'job-1', false],
    [JOB_ID_PATTERN, '2026-11-21_21_55_23-1\n', false],
    [REGION_PATTERN, 'northamerica-northeast1', true],
    [REGION_PATTERN, 'us-central1', true],
    [REGION_PATTERN, 'global', false],
    [PROJECT_ID_PATTERN, 'my-proj', true],
    [PROJECT_ID_PATTERN, 'a'.repeat(30), true],
    [PROJECT_ID_PATTERN, 'a'.repeat(31), false],
    [PROJECT_ID_PATTERN, 'abcde', false],
    [PROJECT_ID_PATTERN, 'my-proj-', false],
    [PROJECT_ID_PATTERN, '1my-proj', false],
    [PROJECT_ID_PATTERN, 'example.com:my-proj', true],
    [PROJECT_ID_PATTERN, 'example:my-proj', false],
  ];
  for (const [pattern, text, ok] of patterns) {
    it(`${pattern.source.slice(0, 12)}… ${ok ? 'accepts' : 'refuses'} ${JSON.stringify(text.slice(0, 40))}`, () =>
      assert.equal(pattern.test(text), ok));
  }

  it('checks a 1 MB value in linear time', () => {
    const long = `${'a'.repeat(1024 * 1024)}.com:my-proj`;
    const started = performance.now();
    assert.equal(PROJECT_ID_PATTERN.test(long), false);
    assert.equal(REGION_PATTERN.test(`${'a'.repeat(1024 * 1024)}-`), false);
    assert.ok(performance.now() - started < 100);
  });
});

describe('launcher failures', () => {
  const launcher = (textPayload: string, severity = 'ERROR'): IncomingEvent =>
    published(sinkEntry({ textPayload, severity }));
  const texts = [
    'Error occurred in the launcher container: Template launch failed. See console logs.',
    'Error occurred in the launcher container: could not determine py file from env',
    'Error occurred in the launcher container: file /template/main.py does not exist',
    'Timeout in polling result file: gs://b/staging/template_launches/2026-11-21_21_55_23-6/operation_result. Possible causes are: ...',
    'Error occurred in the launcher container: Timeout in polling result file: gs://b/x.',
  ];
  for (const text of texts) {
    it(`ends the job on ${JSON.stringify(text.slice(0, 70))}…`, () => {
      const signal = decodeEvent(launcher(text));
      assert.equal(signal.kind === 'jobEnded' && signal.launcherFailed, true);
    });
  }

  it('ignores a launcher-like line that is not at severity ERROR', () => {
    assert.deepEqual(
      decodeEvent(launcher('Error occurred in the launcher container: x', 'INFO')),
      ignored(
        'foreign',
        'LogEntry is not a Dataflow completion line: textPayload "Error occurred in the launcher container: x" reads like a launcher failure, but its severity is "INFO", not "ERROR"',
      ),
    );
    assert.deepEqual(
      decodeEvent(
        published({
          ...sinkEntry({ textPayload: 'Timeout in polling result file' }),
          severity: undefined,
        }),
      ),
      ignored(
        'foreign',
        'LogEntry is not a Dataflow completion line: textPayload "Timeout in polling result file" reads like a launcher failure, but its severity is missing, not "ERROR"',
      ),
    );
  });

  it('does not take a line that only mentions the launcher for one', () => {
    assert.deepEqual(
      decodeEvent(launcher('Launching: Error occurred in the launcher container: x')),
      ignored(
        'foreign',
        'LogEntry is not a Dataflow completion line: textPayload "Launching: Error occurred in the launcher container: x"',
      ),
    );
  });
});
