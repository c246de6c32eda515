import { strict as assert } from 'node:assert';
import { PubSub, type Message } from '@google-cloud/pubsub';
import { emulatorUnavailable, startEmulator, type Emulator } from '../../src/local/emulators.js';
import type { LogLine } from '../../src/log/port.js';
import { createLocalTimers } from '../../src/timers/local.js';

const PROJECT = 'dfchain-local';
const TOPIC = 'dfchain-events';

/**
 * The default publisher end to end: @google-cloud/pubsub, pointed at the emulator by
 * PUBSUB_EMULATOR_HOST alone, as the local stack's function process is.
 */
describe('createLocalTimers through the Pub/Sub emulator (PUBSUB_EMULATOR_HOST)', function () {
  this.timeout(60_000);
  let emulator: Emulator | undefined;
  let admin: PubSub;
  const saved = process.env['PUBSUB_EMULATOR_HOST'];
  const savedDetection = process.env['METADATA_SERVER_DETECTION'];

  before(async () => {
    // Required, as for every integration test: passing on a stand-in would prove nothing.
    const missing = emulatorUnavailable('pubsub');
    if (missing) throw new Error(`the Pub/Sub emulator is required: ${missing}`);
    // Offline: spare the Google clients their metadata-server probe (ARCHITECTURE.md §5).
    process.env['METADATA_SERVER_DETECTION'] = 'none';
    emulator = await startEmulator('pubsub');
    admin = new PubSub({ projectId: PROJECT, apiEndpoint: emulator.host, emulatorMode: true });
    const [topic] = await admin.createTopic(TOPIC);
    await topic.createSubscription('timers-test');
    process.env['PUBSUB_EMULATOR_HOST'] = emulator.host;
  });

  after(async () => {
    if (saved === undefined) delete process.env['PUBSUB_EMULATOR_HOST'];
    else process.env['PUBSUB_EMULATOR_HOST'] = saved;
    if (savedDetection === undefined) delete process.env['METADATA_SERVER_DETECTION'];
    else process.env['METADATA_SERVER_DETECTION'] = savedDetection;
    await admin?.close();
    await emulator?.stop();
  });

  it('publishes the timer command once, when due, on the topic', async () => {
    const lines: LogLine[] = [];
    const timers = createLocalTimers({
      projectId: PROJECT,
      topic: TOPIC,
      logger: { write: (line) => void lines.push(line) },
    });
    const received: { data: string; at: number }[] = [];
    const subscription = admin.subscription('timers-test');
    subscription.on('message', (message: Message) => {
      received.push({ data: message.data.toString('utf8'), at: Date.now() });
      message.ack();
    });
    try {
      const due = Date.now() + 1_500;
      const timer = { name: 'r1-wait-1', runId: 'r1', dueAt: new Date(due).toISOString() };
      await timers.schedule(timer);
      await timers.schedule(timer);
      const deadline = Date.now() + 20_000;
      while (received.length === 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      assert.deepEqual(
        received.map((r) => r.data),
        ['{"dfchain":"timer","runId":"r1","timer":"r1-wait-1"}'],
      );
      assert.ok(received[0]!.at >= due, 'not before its due time');
      assert.deepEqual(lines, []);
    } finally {
      await subscription.close();
      await timers.close();
    }
  });
});
