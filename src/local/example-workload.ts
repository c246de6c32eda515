import { PubSub, type Message } from '@google-cloud/pubsub';
import { chainStates } from '../chain/graph.js';
import { waitsForTaskToken } from '../chain/resources.js';
import { topicPath } from '../engine/publish-request.js';
import { isObject } from '../json.js';

/** The parts of the local stack the example world uses. */
export interface ExampleStack {
  readonly projectId: string;
  readonly pubsubHost: string | undefined;
  readonly storage: {
    put(bucket: string, name: string, data: string, contentType?: string): unknown;
  };
  publish(message: unknown): Promise<string>;
}

/** A token as src/handler/task-token.ts makes them, wherever a message carries it. */
const TOKEN = /dfct1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}/;

/** Sample objects put under each listed prefix: three CSV files and a marker a glob leaves out. */
const SAMPLES: readonly (readonly [string, string])[] = [
  ['sales-eu.csv', 'region,amount\neu,1200\n'],
  ['sales-us.csv', 'region,amount\nus,3400\n'],
  ['sales-apac.csv', 'region,amount\napac,2100\n'],
  ['_SUCCESS', ''],
];

/**
 * Puts sample objects under the literal bucket and prefix of every `gcs:listObjects` ItemReader
 * of the chain, so its Maps have files to fan out over on the local stack. Returns the objects.
 */
export function seedListedObjects(stack: ExampleStack, chain: unknown): string[] {
  const put: string[] = [];
  for (const { state } of chainStates(chain)) {
    const reader = isObject(state['ItemReader']) ? state['ItemReader'] : undefined;
    const parameters = isObject(reader?.['Parameters']) ? reader['Parameters'] : undefined;
    if (reader?.['Resource'] !== 'gcs:listObjects' || parameters === undefined) continue;
    const { bucket, prefix } = parameters;
    if (typeof bucket !== 'string') continue;
    const under = typeof prefix === 'string' ? prefix : '';
    for (const [name, data] of SAMPLES) {
      stack.storage.put(
        bucket,
        `${under}${name}`,
        data,
        name.endsWith('.csv') ? 'text/csv' : undefined,
      );
      put.push(`gs://${bucket}/${under}${name}`);
    }
  }
  return put;
}

/** The full names of the literal topics the chain's waiting Tasks publish to. */
export function waitingTopics(chain: unknown, projectId: string): string[] {
  const topics = new Set<string>();
  for (const { state } of chainStates(chain)) {
    const parameters = isObject(state['Parameters']) ? state['Parameters'] : undefined;
    const topic = parameters?.['topic'];
    if (
      state['Type'] === 'Task' &&
      waitsForTaskToken(state['Resource']) &&
      typeof topic === 'string'
    )
      topics.add(topicPath(topic, projectId));
  }
  return [...topics];
}

/**
 * A stand-in for the workload a chain's `.waitForTaskToken` Tasks hand their token to (what
 * examples/callback/worker.sh does on a real machine): it creates each topic the chain's waiting
 * Tasks publish to on the Pub/Sub emulator, and answers every message carrying a task token with
 * a SUCCEEDED callback on the events topic after `delayMs`. Needs the Pub/Sub emulator.
 */
export async function startCallbackWorkload(
  stack: ExampleStack,
  chain: unknown,
  say: (line: string) => void,
  delayMs = 1000,
): Promise<{ stop(): Promise<void> }> {
  const topics = waitingTopics(chain, stack.projectId);
  if (topics.length === 0) return { stop: () => Promise.resolve() };
  if (stack.pubsubHost === undefined) {
    throw new Error(
      `the chain waits for callbacks on ${topics.join(', ')}, which needs the Pub/Sub emulator (gcloud beta emulators pubsub): install it`,
    );
  }
  const pubsub = new PubSub({
    projectId: stack.projectId,
    apiEndpoint: stack.pubsubHost,
    emulatorMode: true,
  });
  const timers = new Set<ReturnType<typeof setTimeout>>();
  for (const name of topics) {
    const [topic] = await pubsub.createTopic(name);
    const [subscription] = await topic.createSubscription(
      `${name.split('/').at(-1)}-local-workload`,
    );
    subscription.on('message', (message: Message) => {
      message.ack();
      const text = `${message.data.toString('utf8')} ${Object.values(message.attributes).join(' ')}`;
      const token = TOKEN.exec(text)?.[0];
      if (token === undefined) return;
      say(`workload stand-in: got work on ${name}; calling back SUCCEEDED in ${delayMs} ms`);
      const timer = setTimeout(() => {
        timers.delete(timer);
        const output = { approvedBy: 'npm start (the local stand-in for your workload)' };
        stack
          .publish({ dfchain: 'callback', token, status: 'SUCCEEDED', output })
          .catch((error: unknown) =>
            say(`workload stand-in: the callback was not published: ${String(error)}`),
          );
      }, delayMs);
      timers.add(timer);
    });
    say(`workload stand-in listening on ${name}`);
  }
  return {
    stop: async () => {
      for (const timer of timers) clearTimeout(timer);
      await pubsub.close();
    },
  };
}
