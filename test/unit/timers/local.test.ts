import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import sinon from 'sinon';
import type { LogLine } from '../../../src/log/port.js';
import { MAX_TIMEOUT_MS, createLocalTimers } from '../../../src/timers/local.js';
import type { TimerPort } from '../../../src/timers/port.js';

const T0 = Date.UTC(2026, 0, 2, 3, 4, 5);
const at = (ms: number) => new Date(T0 + ms).toISOString();
const DAY = 86_400_000;

describe('createLocalTimers', () => {
  let clock: sinon.SinonFakeTimers;
  let published: string[];
  let lines: LogLine[];
  let publish: sinon.SinonStub<[Buffer], Promise<unknown>>;
  let timers: TimerPort;

  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: T0, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    published = [];
    lines = [];
    publish = sinon.stub<[Buffer], Promise<unknown>>().callsFake((data) => {
      published.push(data.toString('utf8'));
      return Promise.resolve('id');
    });
    timers = createLocalTimers({
      projectId: 'p',
      topic: 'dfchain-events',
      logger: { write: (line) => void lines.push(line) },
      publish,
    });
  });

  afterEach(async () => {
    await timers.close();
    clock.restore();
  });

  it('publishes the timer command on the topic at its due time, not before', async () => {
    await timers.schedule({ name: 'wait-1', runId: 'r1', dueAt: at(5_000) });
    await clock.tickAsync(4_999);
    assert.deepEqual(published, []);
    await clock.tickAsync(1);
    assert.deepEqual(published, ['{"dfchain":"timer","runId":"r1","timer":"wait-1"}']);
  });

  it('a due time in the past fires at once', async () => {
    await timers.schedule({ name: 'late', runId: 'r1', dueAt: at(-60_000) });
    await clock.tickAsync(0);
    assert.deepEqual(published, ['{"dfchain":"timer","runId":"r1","timer":"late"}']);
  });

  it('a name is scheduled once: again while pending or after it fired does nothing', async () => {
    await timers.schedule({ name: 'once', runId: 'r1', dueAt: at(1_000) });
    await timers.schedule({ name: 'once', runId: 'r1', dueAt: at(10) });
    await clock.tickAsync(999);
    assert.deepEqual(published, []);
    await clock.tickAsync(1);
    await timers.schedule({ name: 'once', runId: 'r1', dueAt: at(2_000) });
    await clock.tickAsync(5_000);
    assert.equal(published.length, 1);
    await timers.schedule({ name: 'other', runId: 'r2', dueAt: at(6_000) });
    await clock.tickAsync(0);
    assert.deepEqual(published.slice(1), ['{"dfchain":"timer","runId":"r2","timer":"other"}']);
  });

  it('waits past the longest setTimeout (~24.8 days) without firing early', async () => {
    await timers.schedule({ name: 'month', runId: 'r1', dueAt: at(40 * DAY) });
    await clock.tickAsync(MAX_TIMEOUT_MS + 1);
    assert.deepEqual(published, []);
    await clock.tickAsync(40 * DAY - MAX_TIMEOUT_MS - 2);
    assert.deepEqual(published, []);
    await clock.tickAsync(1);
    assert.equal(published.length, 1);
  });

  it('close() clears pending timers; nothing fires or is scheduled after it', async () => {
    await timers.schedule({ name: 'a', runId: 'r1', dueAt: at(1_000) });
    await timers.schedule({ name: 'b', runId: 'r1', dueAt: at(2_000) });
    assert.equal(clock.countTimers(), 2);
    await timers.close();
    assert.equal(clock.countTimers(), 0);
    await timers.schedule({ name: 'c', runId: 'r1', dueAt: at(0) });
    await clock.tickAsync(10_000);
    assert.deepEqual(published, []);
  });

  it('retries a failed publish with backoff, then succeeds', async () => {
    publish.onCall(0).rejects(new Error('UNAVAILABLE'));
    publish.onCall(1).rejects(new Error('UNAVAILABLE'));
    await timers.schedule({ name: 'flaky', runId: 'r1', dueAt: at(0) });
    await clock.tickAsync(60_000);
    assert.equal(publish.callCount, 3);
    assert.equal(published.length, 1);
    assert.deepEqual(lines, []);
  });

  it('logs a timer it could not publish after 5 tries, for the tick to fire', async () => {
    publish.rejects(new Error('14 UNAVAILABLE: no connection'));
    await timers.schedule({ name: 'lost', runId: 'r9', dueAt: at(0) });
    await clock.tickAsync(60_000);
    assert.equal(publish.callCount, 5);
    assert.deepEqual(lines, [
      {
        severity: 'WARNING',
        event: 'timer.publish_failed',
        message:
          'timer "lost" of run r9 could not be published on topic dfchain-events: 14 UNAVAILABLE: no connection; the next tick fires it',
        runId: 'r9',
        timer: 'lost',
        dueAt: at(0),
      },
    ]);
  });

  it('close() stops the retries of a failing publish without logging', async () => {
    publish.rejects(new Error('UNAVAILABLE'));
    await timers.schedule({ name: 'closing', runId: 'r1', dueAt: at(0) });
    await clock.tickAsync(1);
    assert.equal(publish.callCount, 1);
    await timers.close();
    await clock.tickAsync(60_000);
    assert.equal(publish.callCount, 1);
    assert.deepEqual(lines, []);
  });

  it('rejects a due time that is not a time', async () => {
    await assert.rejects(timers.schedule({ name: 'bad', runId: 'r1', dueAt: 'tomorrow' }), {
      name: 'TypeError',
      message: 'timer "bad" of run "r1": dueAt "tomorrow" is not an ISO time',
    });
    assert.equal(clock.countTimers(), 0);
  });
});

describe('createLocalTimers: its timers do not hold the process open', function () {
  this.timeout(30_000);

  it('a process with a timer due in an hour exits at once', async () => {
    const module = fileURLToPath(new URL('../../../src/timers/local.ts', import.meta.url));
    const code = `
      const { createLocalTimers } = await import(${JSON.stringify(module)});
      const timers = createLocalTimers({
        projectId: 'p', topic: 't', logger: { write() {} }, publish: async () => 'id',
      });
      await timers.schedule({ name: 'later', runId: 'r', dueAt: new Date(Date.now() + 3_600_000).toISOString() });
      console.log('scheduled');
    `;
    const started = Date.now();
    const output = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', code],
        { timeout: 20_000 },
        (error, stdout) =>
          error ? reject(new Error(error.message, { cause: error })) : resolve(stdout),
      );
    });
    assert.equal(output.trim(), 'scheduled');
    assert.ok(Date.now() - started < 20_000);
  });
});
