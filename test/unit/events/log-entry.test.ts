import { strict as assert } from 'node:assert';
import { decodeEvent } from '../../../src/events/decode.js';
import type { Signal } from '../../../src/events/signal.js';
import { published, sinkEntry } from './fixtures.js';

const ended: Signal = {
  kind: 'jobEnded',
  source: 'logSink',
  jobId: '2024-05-01_01_02_03-123456789',
  jobName: 'daily-ingest-r1-0',
  projectId: 'my-proj',
  location: 'europe-west4',
  launcherFailed: false,
};

describe('sink LogEntry', () => {
  const cases: ReadonlyArray<
    readonly [name: string, entry: Record<string, unknown>, expected: Signal]
  > = [
    [
      'reads an entry with a resource but no logName as a LogEntry, and refuses it for its logName',
      sinkEntry({ logName: undefined }),
      {
        kind: 'ignored',
        category: 'foreign',
        reason:
          'LogEntry is not a Dataflow job message: logName "" does not end in /logs/dataflow.googleapis.com%2Fjob-message',
      },
    ],
    [
      'takes "Worker pool stopped." with surrounding whitespace as the completion line',
      sinkEntry({ textPayload: '  Worker pool stopped.\n' }),
      ended,
    ],
    [
      'reads a textPayload that is not a string as absent',
      sinkEntry({ textPayload: 5 }),
      {
        kind: 'ignored',
        category: 'foreign',
        reason: 'LogEntry is not a Dataflow completion line: it has no textPayload',
      },
    ],
    [
      'refuses a project number in logName (only resource.labels.project_id may hold one)',
      sinkEntry({ logName: 'projects/123456789012/logs/dataflow.googleapis.com%2Fjob-message' }),
      {
        kind: 'ignored',
        category: 'malformed',
        reason:
          'Dataflow LogEntry logName project "123456789012" is not a Google Cloud project id (6 to 30 lowercase letters, digits or hyphens, starting with a letter; or domain:id); not looked up',
      },
    ],
  ];
  for (const [name, entry, expected] of cases) {
    it(name, () => assert.deepEqual(decodeEvent(published(entry)), expected));
  }
});
