import { strict as assert } from 'node:assert';
import type { LocalStack } from '../../src/local/stack.js';
import { endTime, jobsOfRun, runCli, startE2eStack } from './harness.js';

const BUCKET = 'e2e-items';

/** The `file` parameter of each job of the run, in launch order. */
function filesOf(stack: LocalStack, runId: string): unknown[] {
  return jobsOfRun(stack, runId).map(
    (job) => (job.request.launchParameter?.['parameters'] as Record<string, unknown>)['file'],
  );
}

/** The most jobs of the run active at one instant (an end and a start at once do not overlap). */
function peakActive(stack: LocalStack, runId: string): number {
  const edges = jobsOfRun(stack, runId).flatMap((job): [number, number][] => [
    [job.createTime, 1],
    [endTime(job), -1],
  ]);
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let active = 0;
  let peak = 0;
  for (const [, delta] of edges) peak = Math.max(peak, (active += delta));
  return peak;
}

async function run(stack: LocalStack, runId: string, input: object): Promise<void> {
  await stack.publish({ dfchain: 'start', chain: 'itemread', runId, input });
  assert.equal(
    await stack.waitForRunEnd(runId),
    'run.succeeded',
    JSON.stringify(stack.runLines(runId)),
  );
}

/** What `dfchain status RUN --json` says of the run's output. */
async function outputOf(stack: LocalStack, runId: string): Promise<Record<string, unknown>> {
  const status = await runCli(stack, ['status', runId, '--json']);
  assert.equal(status.code, 0, status.stderr);
  return (JSON.parse(status.stdout) as { output: Record<string, unknown> }).output;
}

describe('e2e: a Map reads its items from Cloud Storage (ItemReader)', function () {
  this.timeout(120_000);
  let stack: LocalStack;

  before(async () => {
    stack = await startE2eStack();
    for (const name of [
      'in/2026-11-21/a.csv',
      'in/2026-11-21/b.csv',
      'in/2026-11-21/late/c.csv',
      'in/2026-11-21/d.csv',
      'in/2026-11-21/notes.txt',
      'in/2026-11-22/e.csv',
    ])
      stack.storage.put(BUCKET, name, 'id,amount\n1,2\n', 'text/csv');
  });

  after(async () => {
    await stack?.stop();
  });

  it('gcs:listObjects: one job per file under the prefix matching the glob, 2 at a time, each named in its job', async () => {
    await run(stack, 'ir-list', { kind: 'list', prefix: 'in/2026-11-21/' });
    const files = filesOf(stack, 'ir-list');
    // Items 0 and 1 start at once; 2 and 3 each when its lane's first ends: each pair in either order.
    assert.deepEqual(files.slice(0, 2).sort(), [
      `gs://${BUCKET}/in/2026-11-21/a.csv`,
      `gs://${BUCKET}/in/2026-11-21/b.csv`,
    ]);
    assert.deepEqual([...files].sort(), [
      `gs://${BUCKET}/in/2026-11-21/a.csv`,
      `gs://${BUCKET}/in/2026-11-21/b.csv`,
      `gs://${BUCKET}/in/2026-11-21/d.csv`,
      `gs://${BUCKET}/in/2026-11-21/late/c.csv`,
    ]);
    assert.equal(peakActive(stack, 'ir-list'), 2);
    const read = stack.runLines('ir-list').find((line) => line['event'] === 'items.read');
    assert.equal(read?.['items'], 4);
    assert.equal(read?.['resource'], 'gcs:listObjects');
  });

  it('gcs:getObject: a JSON Lines manifest and a CSV manifest (quoted fields) give one job per line or row', async () => {
    stack.storage.put(
      BUCKET,
      'manifests/today.jsonl',
      '{"file":"gs://e2e-items/in/2026-11-22/e.csv"}\n\n{"file":"gs://elsewhere/x.csv"}\n',
      'application/jsonl',
    );
    await run(stack, 'ir-jsonl', { kind: 'jsonl', manifest: 'manifests/today.jsonl' });
    assert.deepEqual(filesOf(stack, 'ir-jsonl').sort(), [
      'gs://e2e-items/in/2026-11-22/e.csv',
      'gs://elsewhere/x.csv',
    ]);

    stack.storage.put(
      BUCKET,
      'manifests/today.csv',
      'file,note\r\ngs://e2e-items/a.csv,plain\r\n"gs://e2e-items/b,1.csv","says ""hi"""\r\ngs://e2e-items/c.csv,\r\n',
      'text/csv',
    );
    await run(stack, 'ir-csv', { kind: 'csv', manifest: 'manifests/today.csv' });
    const rows = filesOf(stack, 'ir-csv');
    assert.deepEqual(
      [...rows.slice(0, 2).sort(), ...rows.slice(2)],
      ['gs://e2e-items/a.csv', 'gs://e2e-items/b,1.csv', 'gs://e2e-items/c.csv'],
    );
    assert.equal(peakActive(stack, 'ir-csv'), 2);
  });

  it('a missing manifest and a bad one fail the Map with States.ItemReaderFailed, which its Catch takes', async () => {
    await run(stack, 'ir-missing', { kind: 'csv', manifest: 'manifests/none.csv' });
    assert.deepEqual((await outputOf(stack, 'ir-missing'))['error'], {
      Error: 'States.ItemReaderFailed',
      Cause:
        'States.EachRow.ItemReader: gs://e2e-items/manifests/none.csv: no such object (or no such bucket); check the bucket and object name, or write the manifest before the Map runs',
    });
    stack.storage.put(BUCKET, 'manifests/bad.csv', 'file,note\ngs://e2e-items/a.csv\n', 'text/csv');
    await run(stack, 'ir-bad', { kind: 'csv', manifest: 'manifests/bad.csv' });
    assert.deepEqual((await outputOf(stack, 'ir-bad'))['error'], {
      Error: 'States.ItemReaderFailed',
      Cause:
        'States.EachRow.ItemReader: gs://e2e-items/manifests/bad.csv (CSV) line 2 has 1 fields, the header 2',
    });
    assert.equal(jobsOfRun(stack, 'ir-missing').length + jobsOfRun(stack, 'ir-bad').length, 0);
  });
});
