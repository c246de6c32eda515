import { strict as assert } from 'node:assert';
import { decodeEvent } from '../../../src/events/decode.js';
import { MAX_MESSAGE_BYTES } from '../../../src/events/pubsub.js';
import type { IncomingEvent } from '../../../src/events/signal.js';
import {
  base64,
  eventarcPubSub,
  jobPayload,
  published,
  sinkEntry,
  statusChanged,
} from './fixtures.js';

/** The message V8 gives for `text`, so the table does not depend on the Node version's wording. */
function jsonError(text: string): string {
  try {
    JSON.parse(text);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`${text} is valid JSON`);
}

type Case = readonly [
  name: string,
  event: IncomingEvent,
  category: 'malformed' | 'foreign',
  reason: string,
];

const labels = (sinkEntry().resource as { labels: Record<string, string> }).labels;
const withLabels = (changes: Record<string, unknown>): Record<string, unknown> =>
  sinkEntry({ resource: { type: 'dataflow_step', labels: { ...labels, ...changes } } });

const envelope: Case[] = [
  [
    'null event',
    null as unknown as IncomingEvent,
    'malformed',
    'event must be a CloudEvent object, got null',
  ],
  ['no type', { id: 'x', data: {} }, 'malformed', 'CloudEvent has no type'],
  [
    'null data',
    { type: 'google.cloud.pubsub.topic.v1.messagePublished', data: null },
    'malformed',
    'CloudEvent google.cloud.pubsub.topic.v1.messagePublished has no data',
  ],
  [
    'other CloudEvent type',
    { type: 'google.cloud.storage.object.v1.finalized', data: {} },
    'foreign',
    'CloudEvent type "google.cloud.storage.object.v1.finalized" is not one dfchain handles (expected google.cloud.pubsub.topic.v1.messagePublished or google.cloud.dataflow.job.v1beta3.statusChanged)',
  ],
  [
    'Pub/Sub data not JSON',
    { type: 'google.cloud.pubsub.topic.v1.messagePublished', data: '{"message":' },
    'malformed',
    `Pub/Sub event data is not JSON: ${jsonError('{"message":')}`,
  ],
  [
    'Pub/Sub data an array',
    { type: 'google.cloud.pubsub.topic.v1.messagePublished', data: [] },
    'malformed',
    'Pub/Sub event data must be an object, got array',
  ],
  [
    'no message',
    { type: 'google.cloud.pubsub.topic.v1.messagePublished', data: { subscription: 's' } },
    'malformed',
    'Pub/Sub event data.message must be an object, got undefined',
  ],
  [
    'empty message.data',
    eventarcPubSub(''),
    'foreign',
    'message.data is empty: dfchain messages carry JSON in message.data',
  ],
  [
    'absent message.data',
    eventarcPubSub(undefined),
    'foreign',
    'message.data is empty: dfchain messages carry JSON in message.data',
  ],
  [
    'message.data a number',
    { type: 'google.cloud.pubsub.topic.v1.messagePublished', data: { message: { data: 42 } } },
    'malformed',
    'message.data must be a base64 string, got number',
  ],
];

const payload: Case[] = [
  [
    'invalid base64 character',
    eventarcPubSub('eyJk-mZjaGFpbiI6InRpY2sifQ=='),
    'malformed',
    'message.data is not valid base64: invalid character "-" at position 4',
  ],
  [
    'truncated base64',
    eventarcPubSub(base64({ dfchain: 'tick' }).slice(0, 10)),
    'malformed',
    'message.data is not valid base64: length 10 is not a multiple of 4',
  ],
  [
    'misplaced padding',
    eventarcPubSub('ab=cdefg'),
    'malformed',
    'message.data is not valid base64: "=" at position 2 is not final padding',
  ],
  [
    'not UTF-8',
    eventarcPubSub(Buffer.from([0xff, 0xfe, 0x7b]).toString('base64')),
    'malformed',
    'message.data is not UTF-8 text',
  ],
  [
    'not JSON',
    eventarcPubSub(base64('not json')),
    'malformed',
    `message.data is not JSON: ${jsonError('not json')}`,
  ],
  [
    'truncated JSON',
    eventarcPubSub(base64('{"dfchain":"st')),
    'malformed',
    `message.data is not JSON: ${jsonError('{"dfchain":"st')}`,
  ],
  [
    'huge payload',
    eventarcPubSub('A'.repeat(Math.ceil(MAX_MESSAGE_BYTES / 3) * 4 + 4)),
    'malformed',
    `message.data is ${Math.ceil(MAX_MESSAGE_BYTES / 3) * 4 + 4} base64 characters, over the 1048576-byte limit of a dfchain message; not parsed`,
  ],
  [
    'JSON array',
    published([1, 2]),
    'foreign',
    'message.data is JSON array, neither a LogEntry nor a dfchain command',
  ],
  [
    'JSON string',
    published('"hello"'),
    'foreign',
    'message.data is JSON string, neither a LogEntry nor a dfchain command',
  ],
  [
    'unrelated object',
    published({ hello: 'world', n: 1 }),
    'foreign',
    'message.data is neither a LogEntry nor a dfchain command (fields: hello, n)',
  ],
];

const logEntries: Case[] = [
  [
    'Worker pool started.',
    published(sinkEntry({ textPayload: 'Worker pool started.' })),
    'foreign',
    'LogEntry is not a Dataflow completion line: textPayload "Worker pool started."',
  ],
  [
    'jsonPayload entry',
    published(sinkEntry({ textPayload: undefined, jsonPayload: { a: 1 } })),
    'foreign',
    'LogEntry is not a Dataflow completion line: it has no textPayload',
  ],
  [
    'long textPayload is cut',
    published(sinkEntry({ textPayload: 'x'.repeat(200) })),
    'foreign',
    `LogEntry is not a Dataflow completion line: textPayload "${'x'.repeat(80)}…"`,
  ],
  [
    'GCE entry',
    published(sinkEntry({ resource: { type: 'gce_instance', labels: {} } })),
    'foreign',
    'LogEntry is not from a Dataflow job: resource.type is "gce_instance", not "dataflow_step"',
  ],
  [
    'entry without resource',
    published({ logName: 'projects/p/logs/x', textPayload: 'hi' }),
    'foreign',
    'LogEntry is not from a Dataflow job: resource.type is missing, not "dataflow_step"',
  ],
  [
    'worker log',
    published(sinkEntry({ logName: 'projects/my-proj/logs/dataflow.googleapis.com%2Fworker' })),
    'foreign',
    'LogEntry is not a Dataflow job message: logName "projects/my-proj/logs/dataflow.googleapis.com%2Fworker" does not end in /logs/dataflow.googleapis.com%2Fjob-message',
  ],
  [
    'missing job_id',
    published(withLabels({ job_id: undefined })),
    'malformed',
    'Dataflow LogEntry is missing resource.labels.job_id',
  ],
  [
    'numeric job_id',
    published(withLabels({ job_id: 12 })),
    'malformed',
    'Dataflow LogEntry is missing resource.labels.job_id',
  ],
  [
    'missing job_name',
    published(withLabels({ job_name: '' })),
    'malformed',
    'Dataflow LogEntry is missing resource.labels.job_name',
  ],
  [
    'missing region',
    published(withLabels({ region: undefined })),
    'malformed',
    'Dataflow LogEntry is missing resource.labels.region',
  ],
  [
    'missing project',
    published({
      ...withLabels({ project_id: undefined }),
      logName: 'folders/1/logs/dataflow.googleapis.com%2Fjob-message',
    }),
    'malformed',
    'Dataflow LogEntry is missing its project: logName is not projects/{id}/logs/… and resource.labels.project_id is absent',
  ],
];

const commands: Case[] = [
  [
    'typo verb',
    published({ dfchain: 'strat', chain: 'daily' }),
    'malformed',
    'unknown command "strat" (expected "start", "tick", "timer", "cancel", "redrive", "callback", "heartbeat"; did you mean "start"?)',
  ],
  [
    'unknown verb',
    published({ dfchain: 'launch' }),
    'malformed',
    'unknown command "launch" (expected "start", "tick", "timer", "cancel", "redrive", "callback", "heartbeat")',
  ],
  [
    'verb not a string',
    published({ dfchain: true }),
    'malformed',
    'dfchain must be a command name ("start", "tick", "timer", "cancel", "redrive", "callback", "heartbeat"), got boolean',
  ],
  [
    'chain missing',
    published({ dfchain: 'start' }),
    'malformed',
    'start.chain must be a non-empty string naming a chain file, got undefined',
  ],
  [
    'chain empty',
    published({ dfchain: 'start', chain: ' ' }),
    'malformed',
    'start.chain must be a non-empty string naming a chain file, got an empty string',
  ],
  [
    'chain a number',
    published({ dfchain: 'start', chain: 7 }),
    'malformed',
    'start.chain must be a non-empty string naming a chain file, got number',
  ],
  [
    'runId a number',
    published({ dfchain: 'start', chain: 'daily', runId: 7 }),
    'malformed',
    'start.runId must be a string, got number',
  ],
  [
    'runId uppercase',
    published({ dfchain: 'start', chain: 'daily', runId: 'Run 1' }),
    'malformed',
    'start.runId "Run 1" must match ^[a-z0-9][a-z0-9_-]{0,62}$ because it becomes a Dataflow label value: use lowercase letters, digits, "_" and "-", at most 63',
  ],
  [
    'runId too long',
    published({ dfchain: 'start', chain: 'daily', runId: 'r'.repeat(64) }),
    'malformed',
    `start.runId "${'r'.repeat(64)}" must match ^[a-z0-9][a-z0-9_-]{0,62}$ because it becomes a Dataflow label value: use lowercase letters, digits, "_" and "-", at most 63`,
  ],
  [
    'input an array',
    published({ dfchain: 'start', chain: 'daily', input: [] }),
    'malformed',
    'start.input must be a JSON object, got array',
  ],
  [
    'input a string',
    published({ dfchain: 'start', chain: 'daily', input: '{}' }),
    'malformed',
    'start.input must be a JSON object, got string',
  ],
  [
    'typo field',
    published({ dfchain: 'start', chain: 'daily', imput: {} }),
    'malformed',
    'start has unknown field "imput" (expected dfchain, chain, runId, input, scheduled, scheduledTime; did you mean "input"?)',
  ],
  [
    'tick with extra field',
    published({ dfchain: 'tick', chain: 'daily' }),
    'malformed',
    'tick has unknown field "chain" (expected dfchain)',
  ],
];

const eventarc: Case[] = [
  [
    'RUNNING',
    statusChanged(jobPayload({ currentState: 'JOB_STATE_RUNNING' })),
    'foreign',
    'job daily-ingest-r1-0 (2024-05-01_01_02_03-123456789) is JOB_STATE_RUNNING, not terminal',
  ],
  [
    'state left out (proto3 default)',
    statusChanged(jobPayload({ currentState: undefined })),
    'foreign',
    'job daily-ingest-r1-0 (2024-05-01_01_02_03-123456789) is JOB_STATE_UNKNOWN, not terminal',
  ],
  [
    'future state',
    statusChanged(jobPayload({ currentState: 'JOB_STATE_NEW_THING' })),
    'foreign',
    'job daily-ingest-r1-0 (2024-05-01_01_02_03-123456789) is JOB_STATE_NEW_THING, not terminal',
  ],
  [
    'state an object',
    statusChanged(jobPayload({ currentState: {} })),
    'malformed',
    'statusChanged data.payload.currentState must be a JobState name, got object',
  ],
  [
    'no payload',
    statusChanged(undefined),
    'malformed',
    'statusChanged data.payload must be a Job object, got undefined',
  ],
  [
    'missing id',
    statusChanged(jobPayload({ id: undefined })),
    'malformed',
    'statusChanged data.payload.id is missing or not a string',
  ],
  [
    'missing location',
    statusChanged(jobPayload({ location: 3 })),
    'malformed',
    'statusChanged data.payload.location is missing or not a string',
  ],
  [
    'missing projectId',
    statusChanged(jobPayload({ projectId: '' })),
    'malformed',
    'statusChanged data.payload.projectId is missing or not a string',
  ],
  [
    'data not JSON',
    { ...statusChanged(undefined), data: Buffer.from([0x0a, 0x03]) },
    'malformed',
    `statusChanged data is not JSON: ${jsonError('\n\u0003')}`,
  ],
  [
    'data an array',
    { ...statusChanged(undefined), data: [] },
    'malformed',
    'statusChanged data must be an object, got array',
  ],
];

const groups = { envelope, payload, logEntries, commands, eventarc };

describe('decodeEvent: ignored messages', () => {
  for (const [group, cases] of Object.entries(groups)) {
    describe(group, () => {
      for (const [name, event, category, reason] of cases) {
        it(name, () => {
          assert.deepEqual(decodeEvent(event), { kind: 'ignored', category, reason });
        });
      }
    });
  }

  it('never throws, even on a hostile getter', () => {
    const event = {
      type: 'google.cloud.pubsub.topic.v1.messagePublished',
      get data(): unknown {
        throw new Error('boom');
      },
    };
    assert.deepEqual(decodeEvent(event), {
      kind: 'ignored',
      category: 'malformed',
      reason: 'event could not be decoded: boom',
    });
  });
});
