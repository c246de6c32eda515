import { strict as assert } from 'node:assert';
import { decodeEvent } from '../../../src/events/decode.js';
import type { Signal } from '../../../src/events/signal.js';
import { runCompletionEntry } from '../../../src/local/simulator/run-log-entry.js';
import { published } from './fixtures.js';

/** A RunJob completion entry in the shape public reports show (docs/cloud-run.md §3). */
function completionEntry(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    insertId: '-x1y2z3',
    logName: 'projects/my-proj/logs/cloudaudit.googleapis.com%2Fsystem_event',
    resource: {
      type: 'cloud_run_job',
      labels: { job_name: 'transform', location: 'europe-west4', project_id: 'my-proj' },
    },
    protoPayload: {
      '@type': 'type.googleapis.com/google.cloud.audit.AuditLog',
      status: { code: 10, message: 'Task transform-x7k2p-task0 failed with exit code: 1' },
      serviceName: 'run.googleapis.com',
      methodName: '/Jobs.RunJob',
      resourceName: 'namespaces/my-proj/executions/transform-x7k2p',
      response: {
        metadata: { name: 'transform-x7k2p', namespace: '123456789012' },
        status: { conditions: [{ type: 'Completed', status: 'False', reason: 'NonZeroExitCode' }] },
      },
    },
    severity: 'ERROR',
    timestamp: '2026-11-30T10:00:00Z',
    ...overrides,
  };
}

const ended: Signal = {
  kind: 'executionEnded',
  source: 'logSink',
  projectId: 'my-proj',
  location: 'europe-west4',
  job: 'transform',
  execution: 'transform-x7k2p',
  executionName:
    'projects/my-proj/locations/europe-west4/jobs/transform/executions/transform-x7k2p',
};

const payload = (changes: Record<string, unknown>) => ({
  protoPayload: { ...(completionEntry()['protoPayload'] as object), ...changes },
});

describe('sink LogEntry of a Cloud Run job', () => {
  const cases: ReadonlyArray<
    readonly [name: string, entry: Record<string, unknown>, expected: Signal]
  > = [
    ['turns the RunJob completion entry into executionEnded', completionEntry(), ended],
    [
      'reads the execution from resourceName when the response has no metadata.name',
      completionEntry(payload({ response: {} })),
      ended,
    ],
    [
      'reads the project from logName even when resource.labels.project_id is a number',
      completionEntry({
        resource: {
          type: 'cloud_run_job',
          labels: { job_name: 'transform', location: 'europe-west4', project_id: '123456789012' },
        },
      }),
      ended,
    ],
    [
      "ignores the job's own output (stdout) as foreign",
      {
        logName: 'projects/my-proj/logs/run.googleapis.com%2Fstdout',
        resource: completionEntry()['resource'],
        textPayload: 'Execution transform-x7k2p has completed successfully.',
        labels: { 'run.googleapis.com/execution_name': 'transform-x7k2p' },
      },
      {
        kind: 'ignored',
        category: 'foreign',
        reason:
          'LogEntry of a Cloud Run job is not its completion entry: logName "projects/my-proj/logs/run.googleapis.com%2Fstdout" does not end in /logs/cloudaudit.googleapis.com%2Fsystem_event',
      },
    ],
    [
      'ignores another system event of the job (an update) as foreign',
      completionEntry(payload({ methodName: 'google.cloud.run.v1.Jobs.UpdateJob' })),
      {
        kind: 'ignored',
        category: 'foreign',
        reason:
          'LogEntry of a Cloud Run job is not its completion entry: protoPayload.methodName is "google.cloud.run.v1.Jobs.UpdateJob", not "/Jobs.RunJob"',
      },
    ],
    [
      'ignores an entry with no protoPayload as foreign',
      completionEntry({ protoPayload: undefined }),
      {
        kind: 'ignored',
        category: 'foreign',
        reason:
          'LogEntry of a Cloud Run job is not its completion entry: protoPayload.methodName is missing, not "/Jobs.RunJob"',
      },
    ],
    [
      'refuses a completion entry without the job name',
      completionEntry({
        resource: { type: 'cloud_run_job', labels: { location: 'europe-west4' } },
      }),
      {
        kind: 'ignored',
        category: 'malformed',
        reason: 'Cloud Run completion LogEntry is missing resource.labels.job_name',
      },
    ],
    [
      'refuses a completion entry without the location',
      completionEntry({ resource: { type: 'cloud_run_job', labels: { job_name: 'transform' } } }),
      {
        kind: 'ignored',
        category: 'malformed',
        reason: 'Cloud Run completion LogEntry is missing resource.labels.location',
      },
    ],
    [
      'refuses a completion entry that names no execution',
      completionEntry(payload({ response: {}, resourceName: undefined })),
      {
        kind: 'ignored',
        category: 'malformed',
        reason:
          'Cloud Run completion LogEntry is missing the execution (protoPayload.response.metadata.name or protoPayload.resourceName)',
      },
    ],
    [
      'refuses an execution name that would break the API URL',
      completionEntry(payload({ response: { metadata: { name: '../../x' } } })),
      {
        kind: 'ignored',
        category: 'malformed',
        reason:
          'Cloud Run completion LogEntry names execution "../../x", not a Cloud Run execution name; not looked up',
      },
    ],
    [
      'refuses a location that is not a region',
      completionEntry({
        resource: { type: 'cloud_run_job', labels: { job_name: 'transform', location: 'global' } },
      }),
      {
        kind: 'ignored',
        category: 'malformed',
        reason:
          'Cloud Run completion LogEntry resource.labels.location "global" is not a region (such as "europe-west4"); not looked up',
      },
    ],
  ];
  for (const [name, entry, expected] of cases) {
    it(name, () => assert.deepEqual(decodeEvent(published(entry)), expected));
  }

  it("decodes the simulator's completion entries, succeeded, failed and cancelled alike", () => {
    for (const outcome of ['SUCCEEDED', 'FAILED', 'CANCELLED'] as const) {
      const entry = runCompletionEntry(
        {
          projectId: 'my-proj',
          projectNumber: '123456789012',
          location: 'europe-west4',
          job: 'transform',
          execution: 'transform-x7k2p',
          outcome,
          message: 'm',
          taskCount: 1,
          succeededCount: outcome === 'SUCCEEDED' ? 1 : 0,
          failedCount: outcome === 'FAILED' ? 1 : 0,
          cancelledCount: outcome === 'CANCELLED' ? 1 : 0,
          env: {},
          createTime: 0,
        },
        1,
        2,
      );
      assert.deepEqual(decodeEvent(published(JSON.parse(JSON.stringify(entry)))), ended, outcome);
    }
  });

  it('leaves Dataflow entries to the Dataflow decoder', () => {
    const signal = decodeEvent(
      published({
        logName: 'projects/my-proj/logs/dataflow.googleapis.com%2Fjob-message',
        resource: { type: 'cloud_run_revision', labels: {} },
        textPayload: 'x',
      }),
    );
    assert.equal(signal.kind, 'ignored');
    assert.match(
      signal.kind === 'ignored' ? signal.reason : '',
      /resource.type is "cloud_run_revision", not "dataflow_step"/,
    );
  });
});
