import { strict as assert } from 'node:assert';
import sinon from 'sinon';
import { run_v2 } from 'googleapis/build/src/apis/run/index.js';
import type { RunLogEntry, Simulator } from '../../../../src/local/simulator/index.js';
import { startSimulator } from '../../../../src/local/simulator/index.js';
import { PROJECT, LOCATION, T0, rejection } from './helpers.js';

const JOB = `projects/${PROJECT}/locations/${LOCATION}/jobs/transform`;

describe('simulator: the Cloud Run Admin API v2 subset through the googleapis client', () => {
  let clock: sinon.SinonFakeTimers;
  let sim: Simulator;
  let run: run_v2.Run;
  let entries: RunLogEntry[];

  beforeEach(async () => {
    clock = sinon.useFakeTimers({ now: T0, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    entries = [];
    sim = await startSimulator({
      runJobs: [JOB, 'other'],
      runDefaults: { pendingMs: 1_000, runMs: 4_000 },
      runSink: (entry) => void entries.push(entry),
    });
    run = new run_v2.Run({ rootUrl: sim.rootUrl, retry: false });
  });
  afterEach(async () => {
    await sim.stop();
    clock.restore();
  });

  const start = async (requestBody: run_v2.Schema$GoogleCloudRunV2RunJobRequest = {}) =>
    (await run.projects.locations.jobs.run({ name: JOB, requestBody })).data;
  const get = async (name: string) =>
    (await run.projects.locations.jobs.executions.get({ name })).data;

  it('jobs.run answers an Operation whose metadata is the new execution, named {job}-{5 chars}', async () => {
    const operation = await start({
      overrides: {
        containerOverrides: [{ args: ['--date', 'x'], env: [{ name: 'MODE', value: 'full' }] }],
        taskCount: 3,
        timeout: '120s',
      },
    });
    assert.match(
      operation.name ?? '',
      new RegExp(`^projects/${PROJECT}/locations/${LOCATION}/operations/[0-9a-f-]{36}$`),
    );
    assert.equal(operation.done, undefined, 'not done: it completes with the execution');
    const metadata = operation.metadata as run_v2.Schema$GoogleCloudRunV2Execution & {
      '@type': string;
    };
    assert.equal(metadata['@type'], 'type.googleapis.com/google.cloud.run.v2.Execution');
    assert.match(metadata.name ?? '', new RegExp(`^${JOB}/executions/transform-[a-z0-9]{5}$`));
    assert.equal(metadata.job, JOB);
    assert.equal(metadata.taskCount, 3);
    assert.deepEqual(metadata.template?.containers?.[0]?.args, ['--date', 'x']);
    assert.deepEqual(metadata.template?.containers?.[0]?.env, [{ name: 'MODE', value: 'full' }]);
    assert.equal(metadata.template?.timeout, '120s');
    assert.deepEqual(
      metadata.conditions?.map((c) => [c.type, c.state]),
      [
        ['ResourcesAvailable', 'CONDITION_PENDING'],
        ['Started', 'CONDITION_PENDING'],
        ['Completed', 'CONDITION_PENDING'],
      ],
    );
  });

  it('walks PENDING, RUNNING, then SUCCEEDED with counts and a completion time; Google omits zero counts', async () => {
    const { metadata } = await start({ overrides: { taskCount: 2 } });
    const name = String(metadata?.['name']);
    await clock.tickAsync(1_000);
    const running = await get(name);
    assert.equal(running.runningCount, 2);
    assert.ok(running.startTime);
    assert.equal(
      running.conditions?.find((c) => c.type === 'Completed')?.state,
      'CONDITION_RECONCILING',
    );
    await clock.tickAsync(4_000);
    const done = await get(name);
    assert.equal(done.succeededCount, 2);
    assert.equal('failedCount' in done, false);
    assert.equal('runningCount' in done, false);
    assert.equal(done.completionTime, new Date(T0 + 5_000).toISOString());
    const completed = done.conditions?.find((c) => c.type === 'Completed');
    assert.equal(completed?.state, 'CONDITION_SUCCEEDED');
    assert.equal(
      'executionReason' in (completed ?? {}),
      false,
      'successful conditions cannot have a reason',
    );
  });

  it('a FAILED outcome fails the configured tasks with NON_ZERO_EXIT_CODE and the completion entry is ERROR', async () => {
    sim.configure({ runBehaviour: () => ({ outcome: 'FAILED', failedTasks: 2 }) });
    const { metadata } = await start({ overrides: { taskCount: 3 } });
    const name = String(metadata?.['name']);
    await clock.tickAsync(5_000);
    const failed = await get(name);
    assert.deepEqual([failed.succeededCount, failed.failedCount], [1, 2]);
    const completed = failed.conditions?.find((c) => c.type === 'Completed');
    assert.equal(completed?.state, 'CONDITION_FAILED');
    assert.equal(completed?.executionReason, 'NON_ZERO_EXIT_CODE');
    assert.equal(entries.length, 1);
    const [entry] = entries;
    const short = name.split('/').at(-1) ?? '';
    assert.equal(entry?.severity, 'ERROR');
    assert.equal(
      entry?.logName,
      `projects/${PROJECT}/logs/cloudaudit.googleapis.com%2Fsystem_event`,
    );
    assert.deepEqual(entry?.resource, {
      type: 'cloud_run_job',
      labels: { job_name: 'transform', location: LOCATION, project_id: PROJECT },
    });
    assert.equal(entry?.protoPayload.methodName, '/Jobs.RunJob');
    assert.equal(entry?.protoPayload.resourceName, `namespaces/${PROJECT}/executions/${short}`);
    assert.equal(entry?.protoPayload.status.code, 10);
    const response = entry?.protoPayload.response as {
      metadata: { name: string };
      status: { failedCount: number };
    };
    assert.equal(response.metadata.name, short);
    assert.equal(response.status.failedCount, 2);
  });

  it("the completion entry carries the execution's env (the step marker) and says success in its status", async () => {
    const { metadata } = await start({
      overrides: { containerOverrides: [{ env: [{ name: 'DFCHAIN_STEP', value: 's-1' }] }] },
    });
    await clock.tickAsync(5_000);
    const [entry] = entries;
    const short = String(metadata?.['name']).split('/').at(-1) ?? '';
    assert.equal(entry?.severity, 'INFO');
    assert.deepEqual(entry?.protoPayload.status, {
      message: `Execution ${short} has completed successfully.`,
    });
    assert.deepEqual(
      (entry?.protoPayload.response as { spec: { template: { spec: { containers: unknown[] } } } })
        .spec.template.spec.containers,
      [{ env: [{ name: 'DFCHAIN_STEP', value: 's-1' }] }],
    );
  });

  it('executions.cancel shows CANCELLING, ends CANCELLED after cancelMs, and refuses an ended execution', async () => {
    sim.configure({ runDefaults: { pendingMs: 1_000, runMs: 4_000, cancelMs: 500 } });
    const { metadata } = await start({ overrides: { taskCount: 2 } });
    const name = String(metadata?.['name']);
    await clock.tickAsync(1_000);
    const answer = (await run.projects.locations.jobs.executions.cancel({ name, requestBody: {} }))
      .data;
    assert.equal((answer.metadata as { name?: string }).name, name);
    const cancelling = await get(name);
    assert.equal(
      cancelling.conditions?.find((c) => c.type === 'Completed')?.executionReason,
      'CANCELLING',
    );
    await clock.tickAsync(500);
    const cancelled = await get(name);
    const completed = cancelled.conditions?.find((c) => c.type === 'Completed');
    assert.deepEqual(
      [completed?.state, completed?.executionReason],
      ['CONDITION_FAILED', 'CANCELLED'],
    );
    assert.equal(cancelled.cancelledCount, 2);
    assert.equal(entries.length, 1, 'one completion entry');
    const refused = await rejection(
      run.projects.locations.jobs.executions.cancel({ name, requestBody: {} }),
    );
    assert.equal(refused.status, 400);
    assert.match(String(refused.message), /has already completed/);
  });

  it('keeps showing a running execution for apiLagMs after it ended, and hides a new one for notFoundMs', async () => {
    sim.configure({
      runDefaults: { pendingMs: 0, runMs: 1_000, apiLagMs: 3_000, notFoundMs: 2_000 },
    });
    const { metadata } = await start();
    const name = String(metadata?.['name']);
    assert.equal((await rejection(get(name))).status, 404);
    const listed = (await run.projects.locations.jobs.executions.list({ parent: JOB })).data;
    assert.deepEqual(listed, {}, 'not listed yet either');
    await clock.tickAsync(2_000);
    assert.equal(
      (await get(name)).conditions?.find((c) => c.type === 'Completed')?.state,
      'CONDITION_RECONCILING',
    );
    await clock.tickAsync(2_000);
    assert.equal(
      (await get(name)).conditions?.find((c) => c.type === 'Completed')?.state,
      'CONDITION_SUCCEEDED',
    );
  });

  it('lists newest first, in pages joined by nextPageToken, per job', async () => {
    const names: string[] = [];
    for (let i = 0; i < 5; i++) {
      names.push(String((await start()).metadata?.['name']));
      await clock.tickAsync(10);
    }
    await run.projects.locations.jobs.run({
      name: `projects/${PROJECT}/locations/${LOCATION}/jobs/other`,
      requestBody: {},
    });
    const first = (await run.projects.locations.jobs.executions.list({ parent: JOB, pageSize: 2 }))
      .data;
    assert.deepEqual(
      first.executions?.map((e) => e.name),
      [names[4], names[3]],
    );
    const second = (
      await run.projects.locations.jobs.executions.list({
        parent: JOB,
        pageSize: 2,
        pageToken: first.nextPageToken!,
      })
    ).data;
    const third = (
      await run.projects.locations.jobs.executions.list({
        parent: JOB,
        pageSize: 2,
        pageToken: second.nextPageToken!,
      })
    ).data;
    assert.deepEqual(
      second.executions?.map((e) => e.name),
      [names[2], names[1]],
    );
    assert.deepEqual(
      third.executions?.map((e) => e.name),
      [names[0]],
    );
    assert.equal(third.nextPageToken, undefined);
  });

  it('refuses what Google refuses: an unknown job (404), unknown fields, wrong types, bad durations (400)', async () => {
    const missing = await rejection(
      run.projects.locations.jobs.run({
        name: `projects/${PROJECT}/locations/${LOCATION}/jobs/nope`,
        requestBody: {},
      }),
    );
    assert.equal(missing.status, 404);
    assert.equal(
      missing.message,
      `Resource 'nope' of kind 'JOB' in region '${LOCATION}' in project '${PROJECT}' does not exist.`,
    );
    const cases: [unknown, string][] = [
      [
        { overrides: { tasks: 2 } },
        `Invalid JSON payload received. Unknown name "tasks" at 'overrides': Cannot find field.`,
      ],
      [
        { overrides: { containerOverrides: [{ env: [{ name: 'A', value: 'x', secret: 'y' }] }] } },
        `Invalid JSON payload received. Unknown name "secret" at 'overrides.container_overrides[0].env[0]': Cannot find field.`,
      ],
      [
        { overrides: { taskCount: 'many' } },
        `Invalid value at 'overrides.task_count' (TYPE_INT32), "many"`,
      ],
      [
        { overrides: { timeout: '10m' } },
        `Invalid value at 'overrides.timeout' (type.googleapis.com/google.protobuf.Duration), "10m"`,
      ],
      [
        { overrides: { containerOverrides: [{ args: 'a b' }] } },
        `Invalid value at 'overrides.container_overrides[0].args', expected a list: "a b"`,
      ],
      [
        { overrides: { containerOverrides: [{ name: 'Main' }] } },
        `overrides.container_overrides[0].name: "Main" is not a DNS_LABEL (RFC 1123).`,
      ],
      [{ runAt: 'now' }, `Invalid JSON payload received. Unknown name "runAt": Cannot find field.`],
    ];
    for (const [requestBody, message] of cases) {
      const error = await rejection(
        run.projects.locations.jobs.run({ name: JOB, requestBody: requestBody as object }),
      );
      assert.equal(error.status, 400, message);
      assert.equal(error.message, message);
    }
    assert.deepEqual(sim.executions(), [], 'nothing was started');
  });

  it('a dry run (validateOnly) answers a done Operation and starts nothing', async () => {
    const operation = await start({ validateOnly: true, overrides: { taskCount: 2 } });
    assert.equal(operation.done, true);
    assert.deepEqual(sim.executions(), []);
  });

  it('faults strike the Run calls too; afterEffect starts the execution and loses the answer', async () => {
    sim.injectFaults({ operation: 'runJob', count: 1, fault: 503 });
    assert.equal((await rejection(start())).status, 503);
    assert.equal(sim.executions().length, 0);
    sim.injectFaults({ operation: 'runJob', count: 1, fault: 500, afterEffect: true });
    assert.equal((await rejection(start())).status, 500);
    assert.equal(sim.executions().length, 1, 'started, answer lost');
    assert.equal(sim.calls.runJob, 2);
  });

  it('cancelExecution (the console) ends a running execution at once and delivers its entry', async () => {
    const { metadata } = await start();
    const name = String(metadata?.['name']);
    assert.equal(sim.cancelExecution(name), true);
    assert.equal(sim.cancelExecution(name), false, 'already ended');
    assert.deepEqual(sim.executions()[0]?.ended, { outcome: 'CANCELLED', time: T0 });
    assert.equal(entries[0]?.protoPayload.status.code, 10);
  });
});
