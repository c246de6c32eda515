import { strict as assert } from 'node:assert';
import { decodeStatusChanged } from '../../../src/events/eventarc.js';
import { jobPayload } from './fixtures.js';

/**
 * google/dataflow/v1beta3/jobs.proto, enum JobState, written out by hand: proto3 JSON may carry
 * an enum as its number, and a swapped pair here would turn a DONE job into a FAILED one.
 */
const JOB_STATE_PROTO: ReadonlyArray<readonly [number, string, 'terminal' | 'active']> = [
  [0, 'JOB_STATE_UNKNOWN', 'active'],
  [1, 'JOB_STATE_STOPPED', 'active'],
  [2, 'JOB_STATE_RUNNING', 'active'],
  [3, 'JOB_STATE_DONE', 'terminal'],
  [4, 'JOB_STATE_FAILED', 'terminal'],
  [5, 'JOB_STATE_CANCELLED', 'terminal'],
  [6, 'JOB_STATE_UPDATED', 'terminal'],
  [7, 'JOB_STATE_DRAINING', 'active'],
  [8, 'JOB_STATE_DRAINED', 'terminal'],
  [9, 'JOB_STATE_PENDING', 'active'],
  [10, 'JOB_STATE_CANCELLING', 'active'],
  [11, 'JOB_STATE_QUEUED', 'active'],
  [12, 'JOB_STATE_RESOURCE_CLEANING_UP', 'active'],
];

const JOB = '2024-05-01_01_02_03-123456789';

describe('decodeStatusChanged: JobState enum numbers', () => {
  for (const [number, name, kind] of JOB_STATE_PROTO) {
    it(`reads currentState ${number} as ${name} (${kind})`, () => {
      const signal = decodeStatusChanged({ payload: jobPayload({ currentState: number }) });
      if (kind === 'terminal') {
        assert.deepEqual(signal, {
          kind: 'jobEnded',
          source: 'eventarc',
          jobId: JOB,
          jobName: 'daily-ingest-r1-0',
          projectId: 'my-proj',
          location: 'europe-west4',
          launcherFailed: false,
          reportedState: name,
          reportedLabels: { 'dfchain-run': 'r1' },
        });
      } else {
        assert.deepEqual(signal, {
          kind: 'ignored',
          category: 'foreign',
          reason: `job daily-ingest-r1-0 (${JOB}) is ${name}, not terminal`,
        });
      }
    });
  }

  it('reads an absent currentState as JOB_STATE_UNKNOWN (proto3 JSON omits the default)', () => {
    const payload = jobPayload();
    delete payload['currentState'];
    assert.deepEqual(decodeStatusChanged({ payload }), {
      kind: 'ignored',
      category: 'foreign',
      reason: `job daily-ingest-r1-0 (${JOB}) is JOB_STATE_UNKNOWN, not terminal`,
    });
  });

  it('reads a null currentState as JOB_STATE_UNKNOWN, like an absent one', () => {
    assert.deepEqual(decodeStatusChanged({ payload: jobPayload({ currentState: null }) }), {
      kind: 'ignored',
      category: 'foreign',
      reason: `job daily-ingest-r1-0 (${JOB}) is JOB_STATE_UNKNOWN, not terminal`,
    });
  });

  for (const [currentState, got] of [
    [[3], 'array'],
    [true, 'boolean'],
    [{ 3: 'x' }, 'object'],
  ] as const) {
    it(`refuses a currentState that is a JSON ${got} as malformed, even one that indexes the enum`, () => {
      assert.deepEqual(decodeStatusChanged({ payload: jobPayload({ currentState }) }), {
        kind: 'ignored',
        category: 'malformed',
        reason: `statusChanged data.payload.currentState must be a JobState name, got ${got}`,
      });
    });
  }

  it('refuses a number past the enum (13) as malformed rather than guessing a state', () => {
    assert.deepEqual(decodeStatusChanged({ payload: jobPayload({ currentState: 13 }) }), {
      kind: 'ignored',
      category: 'malformed',
      reason: 'statusChanged data.payload.currentState must be a JobState name, got number',
    });
  });

  it('keeps only the string labels of the payload, and none when labels is not a map', () => {
    const decoded = (labels: unknown) => {
      const signal = decodeStatusChanged({ payload: jobPayload({ labels }) });
      return signal.kind === 'jobEnded' ? signal.reportedLabels : signal;
    };
    assert.deepEqual(decoded({ 'dfchain-run': 'r1', n: 5, o: {} }), { 'dfchain-run': 'r1' });
    assert.deepEqual(decoded(['dfchain-run']), {});
    assert.deepEqual(decoded('dfchain-run'), {});
    assert.deepEqual(decoded(undefined), {});
  });

  for (const field of ['id', 'name', 'projectId', 'location']) {
    it(`refuses a payload without ${field} as malformed`, () => {
      const payload = jobPayload();
      delete payload[field];
      assert.deepEqual(decodeStatusChanged({ payload }), {
        kind: 'ignored',
        category: 'malformed',
        reason: `statusChanged data.payload.${field} is missing or not a string`,
      });
    });
  }
});
