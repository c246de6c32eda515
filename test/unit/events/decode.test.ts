import { strict as assert } from 'node:assert';
import { decodeEvent } from '../../../src/events/decode.js';
import type { IncomingEvent, Signal } from '../../../src/events/signal.js';
import {
  base64,
  convertedPubSub,
  eventarcPubSub,
  jobPayload,
  published,
  sinkEntry,
  statusChanged,
} from './fixtures.js';

const ended = {
  kind: 'jobEnded',
  jobId: '2024-05-01_01_02_03-123456789',
  jobName: 'daily-ingest-r1-0',
  projectId: 'my-proj',
  location: 'europe-west4',
} as const;

const cases: ReadonlyArray<{ name: string; event: IncomingEvent; expected: Signal }> = [
  {
    name: 'sink "Worker pool stopped." line (Eventarc envelope)',
    event: published(sinkEntry()),
    expected: { ...ended, source: 'logSink', launcherFailed: false },
  },
  {
    name: 'sink line from a functions-framework-converted push body',
    event: convertedPubSub(base64(sinkEntry())),
    expected: { ...ended, source: 'logSink', launcherFailed: false },
  },
  {
    name: 'flex template launcher failure line',
    event: published(
      sinkEntry({
        textPayload:
          'Error occurred in the launcher container: Template launch failed. See console logs.',
        severity: 'ERROR',
      }),
    ),
    expected: { ...ended, source: 'logSink', launcherFailed: true },
  },
  {
    name: 'project read from resource.labels when logName has none',
    event: published(
      sinkEntry({ logName: 'organizations/1/logs/dataflow.googleapis.com%2Fjob-message' }),
    ),
    expected: { ...ended, projectId: '123456789012', source: 'logSink', launcherFailed: false },
  },
  {
    name: 'start command with runId and input',
    event: published({
      dfchain: 'start',
      chain: 'daily',
      runId: '2024-05-01',
      input: { date: '2024-05-01' },
    }),
    expected: { kind: 'start', chain: 'daily', runId: '2024-05-01', input: { date: '2024-05-01' } },
  },
  {
    name: 'start command without runId or input',
    event: published({ dfchain: 'start', chain: 'daily' }),
    expected: { kind: 'start', chain: 'daily', input: {} },
  },
  {
    name: 'tick command',
    event: published({ dfchain: 'tick' }),
    expected: { kind: 'tick' },
  },
  {
    name: 'statusChanged to JOB_STATE_DONE',
    event: statusChanged(jobPayload()),
    expected: {
      ...ended,
      source: 'eventarc',
      launcherFailed: false,
      reportedState: 'JOB_STATE_DONE',
      reportedLabels: { 'dfchain-run': 'r1' },
    },
  },
  {
    name: 'statusChanged to JOB_STATE_FAILED, data as a JSON string',
    event: {
      ...statusChanged(undefined),
      data: JSON.stringify({ payload: jobPayload({ currentState: 'JOB_STATE_FAILED' }) }),
    },
    expected: {
      ...ended,
      source: 'eventarc',
      launcherFailed: false,
      reportedState: 'JOB_STATE_FAILED',
      reportedLabels: { 'dfchain-run': 'r1' },
    },
  },
  {
    name: 'statusChanged to JOB_STATE_CANCELLED, data as a Buffer, state as an enum number',
    event: {
      ...statusChanged(undefined),
      data: Buffer.from(JSON.stringify({ payload: jobPayload({ currentState: 5 }) })),
    },
    expected: {
      ...ended,
      source: 'eventarc',
      launcherFailed: false,
      reportedState: 'JOB_STATE_CANCELLED',
      reportedLabels: { 'dfchain-run': 'r1' },
    },
  },
];

describe('decodeEvent: signals', () => {
  for (const { name, event, expected } of cases) {
    it(name, () => {
      assert.deepEqual(decodeEvent(event), expected);
    });
  }

  it('reads the Eventarc and the converted envelope alike', () => {
    const command = base64({ dfchain: 'tick' });
    assert.deepEqual(decodeEvent(eventarcPubSub(command)), { kind: 'tick' });
    assert.deepEqual(decodeEvent(convertedPubSub(command)), { kind: 'tick' });
  });
});

describe('decodeEvent: the envelope and unknown payloads', () => {
  const PUBSUB = 'google.cloud.pubsub.topic.v1.messagePublished';
  const cases: ReadonlyArray<readonly [name: string, event: IncomingEvent, expected: Signal]> = [
    [
      'refuses an empty type as no type, before looking at the data',
      { type: '', data: {} },
      { kind: 'ignored', category: 'malformed', reason: 'CloudEvent has no type' },
    ],
    [
      'refuses a Pub/Sub event without data',
      { type: PUBSUB },
      { kind: 'ignored', category: 'malformed', reason: `CloudEvent ${PUBSUB} has no data` },
    ],
    [
      'refuses a Pub/Sub event whose data is null',
      { type: PUBSUB, data: null },
      { kind: 'ignored', category: 'malformed', reason: `CloudEvent ${PUBSUB} has no data` },
    ],
    [
      'refuses an event of a foreign type without data for its missing data',
      { type: 'com.example.other' },
      {
        kind: 'ignored',
        category: 'malformed',
        reason: 'CloudEvent com.example.other has no data',
      },
    ],
    [
      'names no fields of an empty JSON object',
      published({}),
      {
        kind: 'ignored',
        category: 'foreign',
        reason: 'message.data is neither a LogEntry nor a dfchain command (fields: none)',
      },
    ],
    [
      'names only the first five fields of an unknown JSON object',
      published({ a: 1, b: 2, c: 3, d: 4, e: 5, f: 6 }),
      {
        kind: 'ignored',
        category: 'foreign',
        reason: 'message.data is neither a LogEntry nor a dfchain command (fields: a, b, c, d, e)',
      },
    ],
  ];
  for (const [name, event, expected] of cases) {
    it(name, () => assert.deepEqual(decodeEvent(event), expected));
  }
});
