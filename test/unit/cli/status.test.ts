import { strict as assert } from 'node:assert';
import { renderRun, statusCommand } from '../../../src/cli/status.js';
import { MemoryRunStore } from '../../../src/store/memory.js';
import { emptyRun } from '../../fixtures/runs.js';

describe('dfchain status', () => {
  it('renders a run and its steps as aligned columns', () => {
    const run = {
      ...emptyRun(),
      status: 'FAILED' as const,
      endTime: '2026-11-22T10:09:00.000Z',
      error: { Error: 'Dataflow.JobFailed', Cause: 'ended JOB_STATE_FAILED' },
      steps: {
        'ingest-aaaaaaaaaaaa': {
          state: 'Ingest',
          attempt: 0,
          jobName: 'ingest-aaaaaaaaaaaa',
          projectId: 'p',
          location: 'europe-west4',
          request: { launchParameter: { jobName: 'ingest-aaaaaaaaaaaa' } },
          status: 'FAILED' as const,
          intendedAt: '2026-11-22T10:00:00.000Z',
          jobId: 'j1',
        },
      },
    };
    assert.deepEqual(renderRun(run), [
      'run r1  chain daily  FAILED  started 2026-11-22T10:00:00.000Z  ended 2026-11-22T10:09:00.000Z',
      'error Dataflow.JobFailed: ended JOB_STATE_FAILED',
      'STATE   STATUS  JOB NAME             JOB ID  LOCATION',
      'Ingest  FAILED  ingest-aaaaaaaaaaaa  j1      europe-west4',
    ]);
  });

  it('exits 1 with advice for an unknown run, 0 for a running one', async () => {
    const store = new MemoryRunStore();
    const lines: string[] = [];
    assert.equal(await statusCommand(store, 'nope', (l) => lines.push(l)), 1);
    assert.match(lines[0]!, /^no run "nope" in the store; check the id/);
    await store.create(emptyRun());
    assert.equal(await statusCommand(store, 'r1', () => undefined), 0);
  });
});
