import { strict as assert } from 'node:assert';
import type { FunctionLine } from '../../src/local/function-process.js';
import type { LocalStack } from '../../src/local/stack.js';
import { behaviours, endTime, jobsOfRun, startE2eStack } from './harness.js';

const START = (runId: string, input: object = { date: '2026-11-21' }) => ({
  dfchain: 'start',
  chain: 'sales',
  runId,
  input,
});

describe('e2e: Pub/Sub emulator push → functions-framework → simulator → Firestore emulator', function () {
  this.timeout(180_000);
  let stack: LocalStack;

  before(async () => {
    stack = await startE2eStack();
  });

  after(async () => {
    await stack?.stop();
  });

  it('(a) runs a 3-step chain to success, launching in order with the right parameters and labels', async () => {
    await stack.publish(START('e2e-a'));
    assert.equal(await stack.waitForRunEnd('e2e-a'), 'run.succeeded');
    const jobs = jobsOfRun(stack, 'e2e-a');
    assert.deepEqual(
      jobs.map((job) => job.name.replace(/-[0-9a-f]{12}$/, '')),
      ['e2e-ingest', 'e2e-transform', 'e2e-publish'],
    );
    const [ingest, transform, publish] = jobs;
    assert.deepEqual(ingest!.request.launchParameter?.['parameters'], {
      date: '2026-11-21',
      run: 'e2e-a',
    });
    assert.deepEqual(transform!.request.launchParameter?.['parameters'], { source: ingest!.name });
    assert.deepEqual(publish!.request.launchParameter?.['parameters'], { date: '2026-11-21' });
    assert.deepEqual(transform!.request.launchParameter?.['environment'], {
      tempLocation: 'gs://e2e/tmp',
      maxWorkers: 8,
      additionalUserLabels: {
        'dfchain-run': 'e2e-a',
        'dfchain-chain': 'sales',
        'dfchain-state': 'transform',
      },
    });
    assert.equal(ingest!.location, 'europe-west4');
    for (const [before, after] of [
      [ingest!, transform!],
      [transform!, publish!],
    ] as const) {
      assert.ok(
        after.createTime >= endTime(before),
        `${after.name} launched after ${before.name} ended`,
      );
    }
    const events = stack.runLines('e2e-a').map((line) => line['event']);
    assert.deepEqual(
      events.filter((e) => e !== 'message.ignored' && e !== 'message.duplicate'),
      [
        'run.started',
        'step.intended',
        'job.launched',
        'job.confirmed',
        'step.intended',
        'job.launched',
        'job.confirmed',
        'step.intended',
        'job.launched',
        'job.confirmed',
        'run.succeeded',
      ],
    );
  });

  it('(b) a failed middle job fails the run and the third step is never launched', async () => {
    behaviours.set('e2e-b', (jobName) =>
      jobName.startsWith('e2e-transform') ? { outcome: 'FAILED' } : {},
    );
    await stack.publish(START('e2e-b'));
    assert.equal(await stack.waitForRunEnd('e2e-b'), 'run.failed');
    assert.deepEqual(
      jobsOfRun(stack, 'e2e-b').map((job) => job.name.replace(/-[0-9a-f]{12}$/, '')),
      ['e2e-ingest', 'e2e-transform'],
    );
    const failed = stack.runLines('e2e-b').find((line) => line['event'] === 'run.failed');
    assert.equal((failed?.['error'] as { Error: string }).Error, 'Dataflow.JobFailed');
    assert.equal(failed?.['severity'], 'ERROR');
  });

  // A generous budget: this proves the launch waits for the API and then follows it, not how
  // fast (the precise handoff figures come from `npm run bench`).
  it('(c) with 5 s of API lag the run still succeeds and each launch follows the lag within a 3 s budget', async () => {
    behaviours.set('e2e-c', () => ({ apiLagMs: 5000, runMs: 200 }));
    await stack.publish(START('e2e-c'));
    assert.equal(await stack.waitForRunEnd('e2e-c', 90_000), 'run.succeeded');
    const jobs = jobsOfRun(stack, 'e2e-c');
    assert.equal(jobs.length, 3);
    for (let i = 1; i < jobs.length; i++) {
      const previous = jobs[i - 1]!;
      const visible = endTime(previous) + 5000;
      const handoff = jobs[i]!.createTime - visible;
      assert.ok(
        handoff >= 0,
        `${jobs[i]!.name} was not launched before the API showed ${previous.name} ended`,
      );
      assert.ok(handoff < 3000, `handoff after the lag took ${handoff} ms`);
    }
  });

  it('(e) a job that no chain launched is ignored: no API call for a foreign name, no launch', async () => {
    const launch = async (jobName: string) => {
      const url = `${stack.simulator.rootUrl}v1b3/projects/${stack.projectId}/locations/europe-west4/flexTemplates:launch`;
      const body = { launchParameter: { jobName, containerSpecGcsPath: 'gs://other/t.json' } };
      const response = await fetch(url, { method: 'POST', body: JSON.stringify(body) });
      assert.equal(response.status, 200);
    };
    const before = { ...stack.simulator.calls };
    const jobsBefore = stack.simulator.jobs().length;
    await launch('nightly-report');
    const foreign = await stack.waitForLine(
      (l) => l.json?.['event'] === 'message.ignored' && l.json['jobName'] === 'nightly-report',
    );
    assert.match(
      String(foreign.json?.['reason']),
      /not a dfchain job: its name matches no chain job-name prefix/,
    );
    assert.equal(stack.simulator.calls.get, before.get, 'no jobs.get for a foreign name');
    // A look-alike name costs one lookup, and its missing labels give it away.
    await launch('e2e-ingest-0123456789ab');
    const lookalike = await stack.waitForLine(
      (l) =>
        l.json?.['event'] === 'message.ignored' && l.json['jobName'] === 'e2e-ingest-0123456789ab',
    );
    assert.match(String(lookalike.json?.['reason']), /no dfchain-run label/);
    assert.equal(stack.simulator.calls.launch, before.launch + 2, 'the function launched nothing');
    assert.equal(stack.simulator.jobs().length, jobsBefore + 2);
  });

  it('(f) 50 malformed messages are all acknowledged once, and the function keeps serving', async () => {
    const payloads: Buffer[] = [];
    const samples = [
      'not json',
      '{"dfchain":"strat","chain":"sales"}',
      '{"dfchain":"start"}',
      '{"dfchain":"start","chain":"sales","runId":"Bad Id"}',
      '{"dfchain":"start","chain":"sales","input":[1]}',
      '[]',
      'null',
      '42',
      '{"resource":{"type":"dataflow_step"},"textPayload":"Worker pool stopped."}',
      '{"resource":{"type":"gce_instance"},"textPayload":"hello"}',
      '{"logName":"projects/p/logs/dataflow.googleapis.com%2Fjob-message","resource":{"type":"dataflow_step","labels":{}}',
    ];
    for (let i = 0; i < 50; i++) {
      const sample = samples[i % samples.length]!;
      payloads.push(
        i % 5 === 4
          ? Buffer.from([0xff, 0xfe, i, 0x00, 0x7b])
          : Buffer.from(sample.slice(0, Math.max(1, sample.length - (i % 3)))),
      );
    }
    const ids = await Promise.all(payloads.map((data) => stack.transport.publish(data)));
    const text = (l: FunctionLine) =>
      typeof l.json?.['message'] === 'string' ? l.json['message'] : '';
    const mentions = (id: string) =>
      stack.fn.lines.filter(
        (l) => text(l).includes(` message ${id}:`) || text(l).includes(`(message ${id} `),
      );
    const deliveries = stack.transport.deliveries;
    assert.ok(deliveries, 'the e2e stack counts pushes and acknowledgements');
    // A budget, not a sleep: done as soon as every message's push was acknowledged.
    await deliveries.until(
      () => ids.every((id) => deliveries.count(id).acks > 0),
      30_000,
      () => `: unacknowledged ${ids.filter((id) => deliveries.count(id).acks === 0).join(', ')}`,
    );
    await Promise.all(ids.map((id) => stack.waitForLine((l) => mentions(id).includes(l))));
    for (const id of ids) {
      // Acknowledged at its first push: the emulator never pushes an acknowledged message again.
      assert.deepEqual(deliveries.count(id), { pushes: 1, acks: 1 }, `message ${id}`);
      const lines = mentions(id);
      assert.equal(
        lines.length,
        1,
        `message ${id} was handled once: ${lines.map((l) => l.text).join('\n')}`,
      );
      assert.ok(
        ['message.ignored', 'message.rejected'].includes(String(lines[0]!.json?.['event'])),
      );
    }
    await stack.publish(START('e2e-f'));
    assert.equal(await stack.waitForRunEnd('e2e-f'), 'run.succeeded');
  });

  it('(g) a flex template whose launcher fails never starts workers, and still fails the run', async () => {
    behaviours.set('e2e-g', (jobName) =>
      jobName.startsWith('e2e-ingest') ? { outcome: 'LAUNCH_FAILED' } : {},
    );
    await stack.publish(START('e2e-g'));
    assert.equal(await stack.waitForRunEnd('e2e-g'), 'run.failed');
    const [ingest, ...rest] = jobsOfRun(stack, 'e2e-g');
    assert.deepEqual(rest, []);
    assert.ok(
      !ingest!.history.some((change) => change.state === 'JOB_STATE_RUNNING'),
      'no workers started',
    );
    const failed = stack.runLines('e2e-g').find((line) => line['event'] === 'run.failed');
    assert.equal((failed?.['error'] as { Error: string }).Error, 'Dataflow.JobFailed');
  });

  it('(d) every completion delivered three times still launches exactly one job per state', async () => {
    stack.sinkCopies = 3;
    try {
      await stack.publish(START('e2e-d'));
      await stack.publish(START('e2e-d'));
      assert.equal(await stack.waitForRunEnd('e2e-d'), 'run.succeeded');
    } finally {
      stack.sinkCopies = 1;
    }
    const names = jobsOfRun(stack, 'e2e-d').map((job) => job.name.replace(/-[0-9a-f]{12}$/, ''));
    assert.deepEqual(names, ['e2e-ingest', 'e2e-transform', 'e2e-publish']);
    const lines = stack.runLines('e2e-d');
    assert.equal(lines.filter((l) => l['event'] === 'run.succeeded').length, 1);
    assert.equal(lines.filter((l) => l['event'] === 'job.confirmed').length, 3);
  });
});
