import { strict as assert } from 'node:assert';
import type { LocalStack } from '../../src/local/stack.js';
import { triggerRunId } from '../../src/events/trigger-run-id.js';
import {
  expectedInput,
  gcsNotification,
  type NotificationOptions,
} from '../fixtures/gcs-notification.js';
import { jobsOfRun, runCli, startE2eStack } from './harness.js';

const BUCKET = 'e2e-drops';

/** Publishes a Cloud Storage notification as Cloud Storage would: attributes, object as data. */
function notify(stack: LocalStack, options: NotificationOptions): Promise<string> {
  const { attributes, object } = gcsNotification({ bucket: BUCKET, ...options });
  return stack.publish(object, attributes);
}

const runIdOf = (name: string, generation: string) =>
  triggerRunId('ondrop', BUCKET, name, generation);

describe('e2e: file-triggered runs (chain Triggers, Cloud Storage notifications)', function () {
  this.timeout(120_000);
  let stack: LocalStack;

  before(async () => {
    stack = await startE2eStack();
  });

  after(async () => {
    await stack?.stop();
  });

  it('a finalized object that matches starts the chain with the object in $$.Execution.Input', async () => {
    const name = 'in/2026-11-21/sales.csv';
    const generation = '1763719200000001';
    const runId = runIdOf(name, generation);
    await notify(stack, { name, generation });
    assert.equal(await stack.waitForRunEnd(runId), 'run.succeeded');
    const [job, ...more] = jobsOfRun(stack, runId);
    assert.equal(more.length, 0);
    assert.deepEqual(job?.request.launchParameter?.['parameters'], {
      file: `gs://${BUCKET}/${name}`,
      generation,
      size: '4154',
    });
    const status = await runCli(stack, ['status', runId, '--json']);
    assert.equal(status.code, 0, status.stderr);
    const shown = JSON.parse(status.stdout) as { chain: string; input: unknown; status: string };
    assert.equal(shown.chain, 'ondrop');
    assert.equal(shown.status, 'SUCCEEDED');
    assert.deepEqual(shown.input, expectedInput({ bucket: BUCKET, name, generation }));
  });

  it('the same notification twice (at-least-once delivery) starts one run', async () => {
    const name = 'in/twice.csv';
    const generation = '1763719200000002';
    const runId = runIdOf(name, generation);
    await notify(stack, { name, generation });
    await notify(stack, { name, generation });
    await stack.waitForLine(
      (l) => l.json?.['event'] === 'message.duplicate' && l.json['runId'] === runId,
    );
    assert.equal(await stack.waitForRunEnd(runId), 'run.succeeded');
    const started = stack.runLines(runId).filter((line) => line['event'] === 'run.started');
    assert.equal(started.length, 1);
    assert.equal(jobsOfRun(stack, runId).length, 1);
  });

  it('a non-matching object and an OBJECT_DELETE start nothing, each logged with its reason', async () => {
    const json = { name: 'in/2026-11-21/sales.json', generation: '1763719200000003' };
    const deleted = {
      name: 'in/gone.csv',
      generation: '1763719200000004',
      eventType: 'OBJECT_DELETE',
    };
    await notify(stack, json);
    await notify(stack, deleted);
    const unmatched = await stack.waitForLine(
      (l) => l.json?.['event'] === 'trigger.unmatched' && l.json['object'] === json.name,
    );
    assert.equal(unmatched.json?.['severity'], 'INFO');
    assert.equal(
      unmatched.json?.['reason'],
      'no chain\'s trigger matches (ondrop: name does not match "in/**.csv")',
    );
    const ignored = await stack.waitForLine(
      (l) =>
        l.json?.['event'] === 'message.ignored' &&
        String(l.json['reason']).includes('OBJECT_DELETE'),
    );
    assert.equal(ignored.json?.['severity'], 'INFO');
    assert.match(
      String(ignored.json?.['reason']),
      /^Cloud Storage notification OBJECT_DELETE for gs:\/\/e2e-drops\/in\/gone\.csv#1763719200000004: only OBJECT_FINALIZE starts a run/,
    );
    for (const { name, generation } of [json, deleted]) {
      const runId = runIdOf(name, generation);
      assert.deepEqual(stack.runLines(runId), []);
      assert.deepEqual(jobsOfRun(stack, runId), []);
    }
  });
});
