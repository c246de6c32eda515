import { strict as assert } from 'node:assert';
import sinon from 'sinon';
import { ChaosSink } from '../../../src/local/chaos-sink.js';
import { mulberry32 } from '../../../src/local/random.js';
import type { LogEntry, RunLogEntry } from '../../../src/local/simulator/index.js';
import type { Transport } from '../../../src/local/transport.js';

const ENTRY = { textPayload: 'Worker pool stopped.' } as unknown as LogEntry;

function recording(): { transport: Transport; published: string[] } {
  const published: string[] = [];
  const transport: Transport = {
    kind: 'direct-push',
    publish: (data) => {
      published.push(data.toString());
      return Promise.resolve(String(published.length));
    },
    stop: () => Promise.resolve(),
  };
  return { transport, published };
}

describe('local: ChaosSink', () => {
  let clock: sinon.SinonFakeTimers;

  beforeEach(() => {
    clock = sinon.useFakeTimers();
  });

  afterEach(() => {
    clock.restore();
  });

  it('publishes each entry once, at once, by default', async () => {
    const sink = new ChaosSink();
    const { transport, published } = recording();
    sink.transport = transport;
    await sink.deliver(ENTRY);
    assert.deepEqual(published, [JSON.stringify(ENTRY)]);
    assert.equal(sink.stats.published, 1);
  });

  it('publishes a Cloud Run completion entry the same way, with the chaos of every entry', async () => {
    const sink = new ChaosSink();
    const { transport, published } = recording();
    sink.transport = transport;
    sink.chaos = { ...sink.chaos, copies: [2, 2] };
    const entry = { protoPayload: { methodName: '/Jobs.RunJob' } } as unknown as RunLogEntry;
    await sink.deliver(entry);
    assert.deepEqual(published, [JSON.stringify(entry), JSON.stringify(entry)]);
  });

  it('duplicates and delays copies as the dice say', async () => {
    const sink = new ChaosSink();
    const { transport, published } = recording();
    sink.transport = transport;
    const rolls = [0.99, 0.5, 0.1, 0.9];
    sink.chaos = {
      copies: [1, 3],
      maxDelayMs: 1000,
      dropRate: 0,
      random: () => rolls.shift() ?? 0,
    };
    await sink.deliver(ENTRY);
    assert.equal(published.length, 0);
    await clock.tickAsync(100);
    assert.equal(published.length, 1);
    await clock.tickAsync(900);
    assert.equal(published.length, 3);
  });

  it('drops an entry at the drop rate and remembers it', async () => {
    const sink = new ChaosSink();
    const { transport, published } = recording();
    sink.transport = transport;
    sink.chaos = { copies: [1, 1], maxDelayMs: 0, dropRate: 0.1, random: () => 0.05 };
    await sink.deliver(ENTRY);
    assert.deepEqual(published, []);
    assert.deepEqual(sink.stats.dropped, [ENTRY]);
  });

  it('stop() cancels delayed copies', async () => {
    const sink = new ChaosSink();
    const { transport, published } = recording();
    sink.transport = transport;
    sink.chaos = { copies: [2, 2], maxDelayMs: 1000, dropRate: 0, random: () => 0.5 };
    await sink.deliver(ENTRY);
    sink.stop();
    await clock.tickAsync(2000);
    assert.deepEqual(published, []);
  });
});

describe('local: mulberry32', () => {
  it('replays the same sequence for the same seed, in [0, 1)', () => {
    const a = mulberry32(7);
    const b = mulberry32(7);
    const values = Array.from({ length: 100 }, () => a());
    assert.deepEqual(
      values,
      Array.from({ length: 100 }, () => b()),
    );
    assert.ok(values.every((v) => v >= 0 && v < 1));
    assert.notDeepEqual(values, Array.from({ length: 100 }, mulberry32(8)));
  });
});
