import { strict as assert } from 'node:assert';
import { PubSub, type Subscription, type Topic } from '@google-cloud/pubsub';
import type { LocalStack } from '../../src/local/stack.js';
import { runCli, startE2eStack, until } from './harness.js';

/** The topic chain `callback` publishes on (its workload's topic, not dfchain's). */
const WORK_TOPIC = 'e2e-work';

/** One message a Task published, as the workload pulled it. */
interface Received {
  readonly id: string;
  readonly data: Record<string, unknown>;
  readonly attributes: Record<string, string>;
}

interface Shown {
  readonly status: string;
  readonly output?: Record<string, unknown>;
  readonly error?: { Error: string; Cause: string };
}

/** A run of chain `callback`: `timeout` and `heartbeat` are the Work Task's seconds. */
const start = (runId: string, timeout = 30, heartbeat = 20) => ({
  dfchain: 'start',
  chain: 'callback',
  runId,
  input: { day: '2026-11-30', timeout, heartbeat },
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('e2e: pubsub:publish and pubsub:publish.waitForTaskToken (task tokens)', function () {
  this.timeout(120_000);
  let stack: LocalStack;
  let pubsub: PubSub;
  let events: Topic;
  let pull: Subscription;
  const received: Received[] = [];

  /** The messages of `runId` of kind `kind` (the chain's own attribute). */
  const messagesOf = (runId: string, kind: 'notice' | 'work') =>
    received.filter(
      (m) => m.attributes['dfchain_run_id'] === runId && m.attributes['kind'] === kind,
    );

  /** The first message of `runId` of kind `kind`, once the workload has pulled it. */
  async function message(runId: string, kind: 'notice' | 'work'): Promise<Received> {
    await until(
      `the ${kind} message of ${runId} arrives`,
      () => messagesOf(runId, kind).length > 0,
    );
    return messagesOf(runId, kind)[0]!;
  }

  /** The token the Work Task of `runId` handed out. */
  async function tokenOf(runId: string): Promise<string> {
    const token = (await message(runId, 'work')).data['token'];
    assert.equal(typeof token, 'string');
    return token as string;
  }

  /** Publishes a command on the events topic, as a workload does. */
  const send = (command: Record<string, unknown>) => events.publishMessage({ json: command });

  const succeeded = (token: string, output: unknown) =>
    send({ dfchain: 'callback', token, status: 'SUCCEEDED', output });

  /** `dfchain status RUN --json`, its exit code checked (2 for a FAILED run). */
  async function status(runId: string): Promise<Shown> {
    const shown = await runCli(stack, ['status', runId, '--json'], {}, 30_000);
    const view = JSON.parse(shown.stdout) as Shown;
    assert.equal(shown.code, view.status === 'FAILED' ? 2 : 0, shown.stderr);
    return view;
  }

  const linesOf = (runId: string, event: string) =>
    stack.runLines(runId).filter((line) => line['event'] === event);

  /** The token.rejected line of `runId` for a `verb` with `reason`, once logged. */
  const rejected = (runId: string, reason: string, verb = 'callback') =>
    stack.waitForLine(
      (l) =>
        l.json?.['event'] === 'token.rejected' &&
        l.json['runId'] === runId &&
        l.json['reason'] === reason &&
        l.json['verb'] === verb,
      15_000,
    );

  before(async () => {
    stack = await startE2eStack();
    pubsub = new PubSub({
      projectId: stack.projectId,
      apiEndpoint: stack.pubsubHost,
      emulatorMode: true,
    });
    const [work] = await pubsub.createTopic(WORK_TOPIC);
    [pull] = await work.createSubscription(`${WORK_TOPIC}-pull`);
    pull.on(
      'message',
      (m: { id: string; data: Buffer; attributes: Record<string, string>; ack(): void }) => {
        received.push({
          id: m.id,
          data: JSON.parse(m.data.toString('utf8')) as Record<string, unknown>,
          attributes: m.attributes,
        });
        m.ack();
      },
    );
    events = pubsub.topic(stack.topic);
  });

  after(async () => {
    await pull?.close();
    await pubsub?.close();
    await stack?.stop();
  });

  it('pubsub:publish: the message as built, {messageId} the next state; the callback output is the run output', async () => {
    await stack.publish(start('tt-ok'));
    const notice = await message('tt-ok', 'notice');
    assert.deepEqual(notice.data, { kind: 'notice', day: '2026-11-30' });
    const { dfchain_step: noticeStep, ...noticeAttributes } = notice.attributes;
    assert.deepEqual(noticeAttributes, {
      kind: 'notice',
      day: '2026-11-30',
      dfchain_run_id: 'tt-ok',
      dfchain_state: 'Notify',
    });
    const work = await message('tt-ok', 'work');
    const token = await tokenOf('tt-ok');
    assert.match(token, /^dfct1\.[\w-]+\.[\w-]+\.[\w-]{43}$/);
    // The Notify Task's result {messageId} reached the Work Task's Parameters.
    assert.deepEqual(work.data, { kind: 'work', token, notice: notice.id });
    assert.equal(work.attributes['dfchain_state'], 'Work');
    assert.ok(noticeStep && work.attributes['dfchain_step']);
    assert.notEqual(work.attributes['dfchain_step'], noticeStep);

    const output = { rows: 42, file: 'gs://e2e/out/2026-11-30.csv' };
    await succeeded(token, output);
    assert.equal(await stack.waitForRunEnd('tt-ok'), 'run.succeeded');
    // The message can reach the workload before the function logs its publish: read them now.
    const published = linesOf('tt-ok', 'task.published').map((line) => line['messageId']);
    assert.deepEqual(published, [notice.id, work.id]);
    const expected = {
      day: '2026-11-30',
      timeout: 30,
      heartbeat: 20,
      notice: { messageId: notice.id },
      work: output,
    };
    assert.deepEqual(linesOf('tt-ok', 'run.succeeded')[0]?.['output'], expected);
    const shown = await status('tt-ok');
    assert.equal(shown.status, 'SUCCEEDED');
    assert.deepEqual(shown.output, expected);
    // One message per step: nothing was published again.
    assert.equal(messagesOf('tt-ok', 'notice').length, 1);
    assert.equal(messagesOf('tt-ok', 'work').length, 1);
  });

  it('a FAILED callback: its Error and Cause are caught by a Catch, or fail the run', async () => {
    const cause = 'disk "scratch" full\non worker-1';
    await stack.publish(start('tt-caught'));
    await stack.publish(start('tt-broken'));
    const caught = { dfchain: 'callback', status: 'FAILED', error: 'Work.Retryable', cause };
    await send({ ...caught, token: await tokenOf('tt-caught') });
    const broken = { dfchain: 'callback', status: 'FAILED', error: 'Work.Broken', cause };
    await send({ ...broken, token: await tokenOf('tt-broken') });

    assert.equal(await stack.waitForRunEnd('tt-caught'), 'run.succeeded');
    const handled = await status('tt-caught');
    assert.deepEqual(handled.output?.['caught'], { Error: 'Work.Retryable', Cause: cause });
    assert.equal(handled.output?.['work'], undefined);

    assert.equal(await stack.waitForRunEnd('tt-broken'), 'run.failed');
    const error = { Error: 'Work.Broken', Cause: cause };
    assert.deepEqual(linesOf('tt-broken', 'run.failed')[0]?.['error'], error);
    const failed = await status('tt-broken');
    assert.equal(failed.status, 'FAILED');
    assert.deepEqual(failed.error, error);
  });

  it('HeartbeatSeconds 2: heartbeats every second keep the Task alive; silence fails it with States.HeartbeatTimeout', async () => {
    await stack.publish(start('tt-beat', 30, 2));
    await stack.publish(start('tt-silent', 30, 2));
    const token = await tokenOf('tt-beat');
    await message('tt-silent', 'work');
    const since = Date.now();
    const silentEnd = stack.waitForRunEnd('tt-silent').then((event) => ({ event, at: Date.now() }));
    // Every second, until the callback is sent: a beat re-arms HeartbeatSeconds (2 s).
    const beat = () => void send({ dfchain: 'heartbeat', token });
    beat();
    const beating = setInterval(beat, 1_000);
    try {
      await sleep(4_000);
      const silent = await silentEnd;
      assert.equal(silent.event, 'run.failed');
      const quiet = silent.at - since;
      assert.ok(quiet >= 1_500 && quiet < 4_000, `silent for ${quiet} ms: failed after its 2 s`);
      assert.ok(linesOf('tt-beat', 'task.heartbeat').length >= 4);
      assert.deepEqual(linesOf('tt-beat', 'run.failed'), [], 'alive for 4 s, past its 2 s');
      assert.equal((await status('tt-beat')).status, 'RUNNING');
      await succeeded(token, { beats: 4 });
    } finally {
      clearInterval(beating);
    }
    const beatEnd = await stack.waitForRunEnd('tt-beat');
    assert.equal(beatEnd, 'run.succeeded', JSON.stringify(stack.runLines('tt-beat')));
    assert.deepEqual((await status('tt-beat')).output?.['work'], { beats: 4 });
    const failed = await status('tt-silent');
    assert.equal(failed.error?.Error, 'States.HeartbeatTimeout');
  });

  it('TimeoutSeconds: heartbeats do not extend it; States.Timeout, and a later callback is refused (not_waiting) with no effect', async () => {
    await stack.publish(start('tt-late', 3, 2));
    const token = await tokenOf('tt-late');
    const beating = setInterval(() => void send({ dfchain: 'heartbeat', token }), 1_000);
    try {
      assert.equal(await stack.waitForRunEnd('tt-late', 10_000), 'run.failed');
    } finally {
      clearInterval(beating);
    }
    assert.equal((await status('tt-late')).error?.Error, 'States.Timeout');
    await succeeded(token, { late: true });
    const refused = await rejected('tt-late', 'not_waiting');
    assert.equal(refused.json?.['severity'], 'WARNING');
    const shown = await status('tt-late');
    assert.equal(shown.status, 'FAILED');
    assert.equal(shown.error?.Error, 'States.Timeout');
    assert.equal(shown.output, undefined);
    assert.deepEqual(linesOf('tt-late', 'task.callback'), []);
  });

  it('the same callback delivered twice: one effect, the second refused (not_waiting)', async () => {
    await stack.publish(start('tt-twice'));
    const token = await tokenOf('tt-twice');
    await Promise.all([succeeded(token, { n: 1 }), succeeded(token, { n: 1 })]);
    assert.equal(await stack.waitForRunEnd('tt-twice'), 'run.succeeded');
    await rejected('tt-twice', 'not_waiting');
    assert.equal(linesOf('tt-twice', 'task.callback').length, 1);
    assert.equal(linesOf('tt-twice', 'run.succeeded').length, 1);
    assert.deepEqual((await status('tt-twice')).output?.['work'], { n: 1 });
  });

  it('a forged token (right shape, wrong secret) is refused as forged, a garbage one as malformed; the real one still completes the Task', async () => {
    await stack.publish(start('tt-forged'));
    const token = await tokenOf('tt-forged');
    const forged = `${token.slice(0, token.lastIndexOf('.'))}.${'A'.repeat(43)}`;
    await succeeded(forged, { forged: true });
    await send({ dfchain: 'heartbeat', token: forged });
    const refused = await rejected('tt-forged', 'forged');
    assert.equal(refused.json?.['severity'], 'WARNING');
    await rejected('tt-forged', 'forged', 'heartbeat');
    await succeeded('not-a-token', { garbage: true });
    const garbage = await stack.waitForLine(
      (l) => l.json?.['event'] === 'token.rejected' && l.json['reason'] === 'malformed',
    );
    assert.match(String(garbage.json?.['message']), /not a dfchain task token/);
    assert.equal((await status('tt-forged')).status, 'RUNNING');
    assert.deepEqual(linesOf('tt-forged', 'task.callback'), []);

    await succeeded(token, { real: true });
    assert.equal(await stack.waitForRunEnd('tt-forged'), 'run.succeeded');
    assert.deepEqual((await status('tt-forged')).output?.['work'], { real: true });
  });

  it('cancel of a run waiting for a callback ends it CANCELLED; a later callback is refused', async () => {
    await stack.publish(start('tt-cancel'));
    const token = await tokenOf('tt-cancel');
    const cancel = await runCli(
      stack,
      ['cancel', 'tt-cancel', '--cause', 'not needed'],
      {},
      30_000,
    );
    assert.equal(cancel.code, 0, cancel.stderr);
    assert.equal(await stack.waitForRunEnd('tt-cancel'), 'run.cancelled');
    await succeeded(token, { late: true });
    await rejected('tt-cancel', 'not_waiting');
    const shown = await status('tt-cancel');
    assert.equal(shown.status, 'CANCELLED');
    assert.deepEqual(shown.error, { Error: 'States.Cancelled', Cause: 'not needed' });
    assert.deepEqual(linesOf('tt-cancel', 'task.callback'), []);
  });
});
