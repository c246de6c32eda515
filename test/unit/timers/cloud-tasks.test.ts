import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import sinon from 'sinon';
import {
  ConfigError,
  TimerPermanentError,
  TimerTransientError,
  isRetryable,
} from '../../../src/errors.js';
import {
  MAX_SCHEDULE_MS,
  createCloudTasksTimers,
  type CloudTasksTimerOptions,
  type CreateTaskRequest,
  type TasksClient,
} from '../../../src/timers/cloud-tasks.js';

const NOW = Date.UTC(2026, 4, 6, 7, 8, 9, 250);
const SA = 'dfchain-fn@proj-1.iam.gserviceaccount.com';
const TIMER = { name: 'r1-wait-0a1b2c', runId: 'run-1', dueAt: '2026-05-06T08:00:00.123Z' };
const HASH = createHash('sha256').update('r1-wait-0a1b2c').digest('hex');
const QUEUE = 'projects/proj-1/locations/europe-west4/queues/dfchain-timers';

/** A gRPC error as google-gax rejects with: numeric `code`, `details`, "CODE NAME: details". */
function grpcError(code: number, name: string, details: string): Error {
  return Object.assign(new Error(`${code} ${name}: ${details}`), { code, details });
}

describe('createCloudTasksTimers', () => {
  let createTask: sinon.SinonStub<[CreateTaskRequest], Promise<unknown>>;
  let client: TasksClient & { close: sinon.SinonStub };
  let options: CloudTasksTimerOptions;

  beforeEach(() => {
    createTask = sinon.stub<[CreateTaskRequest], Promise<unknown>>().resolves([{}]);
    client = { createTask, close: sinon.stub().resolves() };
    options = {
      projectId: 'proj-1',
      topic: 'dfchain-events',
      queue: 'dfchain-timers',
      location: 'europe-west4',
      serviceAccount: SA,
      client,
      now: () => NOW,
    };
  });

  it('creates one named HTTP task that POSTs the timer command to Pub/Sub with an OAuth token, at the due time', async () => {
    await createCloudTasksTimers(options).schedule(TIMER);
    assert.equal(createTask.callCount, 1);
    const request = createTask.firstCall.args[0];
    const body = request.task?.httpRequest?.body;
    assert.ok(Buffer.isBuffer(body));
    assert.deepEqual(JSON.parse(body.toString('utf8')), {
      messages: [
        {
          data: Buffer.from(
            '{"dfchain":"timer","runId":"run-1","timer":"r1-wait-0a1b2c"}',
          ).toString('base64'),
        },
      ],
    });
    assert.deepEqual(request, {
      parent: QUEUE,
      task: {
        name: `${QUEUE}/tasks/${HASH}`,
        scheduleTime: { seconds: Date.UTC(2026, 4, 6, 8) / 1000, nanos: 123_000_000 },
        httpRequest: {
          httpMethod: 'POST',
          url: 'https://pubsub.googleapis.com/v1/projects/proj-1/topics/dfchain-events:publish',
          headers: { 'Content-Type': 'application/json' },
          body,
          oauthToken: {
            serviceAccountEmail: SA,
            scope: 'https://www.googleapis.com/auth/cloud-platform',
          },
        },
      },
    });
  });

  it("the request is one Cloud Tasks' own protobuf schema reads field for field", async () => {
    const { protos } = await import('@google-cloud/tasks');
    const schema = protos.google.cloud.tasks.v2.CreateTaskRequest;
    await createCloudTasksTimers(options).schedule(TIMER);
    const request = createTask.firstCall.args[0];
    // fromObject, as @grpc/proto-loader serializes a request: string enums, Buffers for bytes;
    // a misspelt field would be dropped, and the round trip would miss it.
    const back = schema.toObject(schema.fromObject(request), {
      enums: String,
      longs: Number,
      bytes: String,
    });
    const sent = request.task!.httpRequest!;
    assert.deepEqual(back, {
      parent: request.parent,
      task: {
        name: request.task!.name,
        scheduleTime: request.task!.scheduleTime,
        httpRequest: {
          url: sent.url,
          httpMethod: 'POST',
          headers: sent.headers,
          body: (sent.body as Buffer).toString('base64'),
          oauthToken: sent.oauthToken,
        },
      },
    });
  });

  it('the task id is the sha256 of the timer name, 64 hex characters (never sequential)', async () => {
    const timers = createCloudTasksTimers(options);
    await timers.schedule(TIMER);
    await timers.schedule({ ...TIMER, name: 'r1-wait-0a1b2d' });
    const ids = createTask.getCalls().map((call) => call.args[0].task?.name?.split('/tasks/')[1]);
    assert.equal(ids[0], HASH);
    assert.match(ids[1] ?? '', /^[0-9a-f]{64}$/);
    assert.notEqual(ids[0], ids[1]);
  });

  it('caps the schedule time 30 days (less an hour of skew) ahead: the engine re-arms the rest', async () => {
    assert.equal(MAX_SCHEDULE_MS, 30 * 86_400_000 - 3_600_000);
    const far = new Date(NOW + 90 * 86_400_000).toISOString();
    await createCloudTasksTimers(options).schedule({ ...TIMER, dueAt: far });
    const cap = NOW + MAX_SCHEDULE_MS;
    assert.deepEqual(createTask.firstCall.args[0].task?.scheduleTime, {
      seconds: Math.floor(cap / 1000),
      nanos: 250_000_000,
    });
  });

  it('a due time in the past is sent as it is (Cloud Tasks runs it now)', async () => {
    await createCloudTasksTimers(options).schedule({ ...TIMER, dueAt: '2026-05-06T07:00:00.000Z' });
    assert.deepEqual(createTask.firstCall.args[0].task?.scheduleTime, {
      seconds: Date.UTC(2026, 4, 6, 7) / 1000,
      nanos: 0,
    });
  });

  it('ALREADY_EXISTS (6) is success: the name is, or was, scheduled', async () => {
    createTask.rejects(grpcError(6, 'ALREADY_EXISTS', 'Requested entity already exists'));
    await createCloudTasksTimers(options).schedule(TIMER);
    assert.equal(createTask.callCount, 1);
  });

  for (const [code, name] of [
    [14, 'UNAVAILABLE'],
    [4, 'DEADLINE_EXCEEDED'],
    [8, 'RESOURCE_EXHAUSTED'],
    [13, 'INTERNAL'],
    [10, 'ABORTED'],
    [2, 'UNKNOWN'],
  ] as const) {
    it(`${name} (${code}) is a TimerTransientError: the delivery is retried`, async () => {
      createTask.rejects(grpcError(code, name, 'try later'));
      const error: unknown = await createCloudTasksTimers(options)
        .schedule(TIMER)
        .catch((e: unknown) => e);
      assert.ok(error instanceof TimerTransientError, String(error));
      assert.equal(isRetryable(error), true);
      assert.equal(
        error.message,
        `Cloud Tasks createTask in ${QUEUE} for timer "r1-wait-0a1b2c" of run run-1 failed: ${name} (${code}): try later (a transient fault: it is retried)`,
      );
      assert.equal((error.cause as { code: number }).code, code);
    });
  }

  for (const [code, name, advice] of [
    [
      5,
      'NOT_FOUND',
      'the queue dfchain-timers in europe-west4 does not exist: infra/deploy.sh creates it (gcloud tasks queues create dfchain-timers --location=europe-west4), or set DFCHAIN_TASKS_QUEUE and DFCHAIN_TASKS_LOCATION to an existing queue',
    ],
    [
      7,
      'PERMISSION_DENIED',
      `grant the function's service account roles/cloudtasks.enqueuer on the queue dfchain-timers in europe-west4 and roles/iam.serviceAccountUser on ${SA} (infra/deploy.sh does both); check the Cloud Tasks API is enabled`,
    ],
    [
      9,
      'FAILED_PRECONDITION',
      'the queue dfchain-timers in europe-west4 is paused or disabled: resume it (gcloud tasks queues resume dfchain-timers --location=europe-west4)',
    ],
    [
      3,
      'INVALID_ARGUMENT',
      'the request is invalid: check DFCHAIN_TIMER_SERVICE_ACCOUNT (an account of the same project as the queue) and DFCHAIN_TOPIC',
    ],
    [12, 'UNIMPLEMENTED', 'retrying cannot help: fix the queue or the configuration'],
  ] as const) {
    it(`${name} (${code}) is a TimerPermanentError naming the fix`, async () => {
      createTask.rejects(grpcError(code, name, 'refused'));
      const error: unknown = await createCloudTasksTimers(options)
        .schedule(TIMER)
        .catch((e: unknown) => e);
      assert.ok(error instanceof TimerPermanentError, String(error));
      assert.equal(isRetryable(error), false);
      assert.equal(
        error.message,
        `Cloud Tasks createTask in ${QUEUE} for timer "r1-wait-0a1b2c" of run run-1 failed: ${name} (${code}): refused (${advice})`,
      );
    });
  }

  it('a failure with no gRPC status is transient (no answer), unless credentials are missing', async () => {
    createTask.rejects(new Error('socket hang up'));
    const timers = createCloudTasksTimers(options);
    assert.ok(
      (await timers.schedule(TIMER).catch((e: unknown) => e)) instanceof TimerTransientError,
    );
    createTask.rejects(new Error('Could not load the default credentials. Browse to …'));
    const error: unknown = await timers.schedule(TIMER).catch((e: unknown) => e);
    assert.ok(error instanceof TimerPermanentError, String(error));
    assert.match(
      error.message,
      /\(set up Application Default Credentials, or DFCHAIN_TIMERS=local off Google Cloud\)$/,
    );
  });

  it('without DFCHAIN_TIMER_SERVICE_ACCOUNT every schedule is a ConfigError naming it, and no task is made', async () => {
    const error: unknown = await createCloudTasksTimers({ ...options, serviceAccount: undefined })
      .schedule(TIMER)
      .catch((e: unknown) => e);
    assert.deepEqual(
      error,
      new ConfigError(
        'DFCHAIN_TIMER_SERVICE_ACCOUNT is not set, so timer "r1-wait-0a1b2c" of run run-1 cannot be scheduled on Cloud Tasks: set it to the function\'s service account (infra/deploy.sh does), or set DFCHAIN_TIMERS=local',
      ),
    );
    assert.equal(createTask.callCount, 0);
  });

  it('rejects a due time that is not a time, before any call', async () => {
    await assert.rejects(createCloudTasksTimers(options).schedule({ ...TIMER, dueAt: 'soon' }), {
      name: 'TypeError',
    });
    assert.equal(createTask.callCount, 0);
  });

  it('close() closes the client once', async () => {
    const timers = createCloudTasksTimers(options);
    await timers.schedule(TIMER);
    await timers.close();
    await timers.close();
    assert.equal(client.close.callCount, 1);
  });

  it('close() without a schedule loads no client', async () => {
    const timers = createCloudTasksTimers({ ...options, client: undefined });
    await timers.close();
  });
});
