import { PubSub, type Message } from '@google-cloud/pubsub';
import type { LocalStack } from '../../../src/local/stack.js';
import { MIX_TOPIC } from './mix-plans.js';
import type { RunPlan } from './plans.js';

/** What the workload saw and sent, per run. */
export interface WorkloadRun {
  /** Distinct messages received, by the `dfchain_step` attribute of the publishing Task. */
  readonly messages: Map<string, Set<string>>;
  callbacks: number;
  heartbeats: number;
}

/** The stand-in for relmix's callback workload, and what it did. */
export interface Workload {
  readonly runs: Map<string, WorkloadRun>;
  /** Callbacks and heartbeats whose publish failed. */
  readonly errors: unknown[];
  stop(): Promise<void>;
}

/**
 * The workload relmix's SignOff hands its token to (as examples/callback/worker.sh would be): a
 * pull subscription on the Pub/Sub emulator; for each new message, a heartbeat when the run's
 * plan says so, then its SUCCEEDED callbacks (1 to 3: the extra ones are duplicates dfchain
 * must reject), each after its planned delay, on the events topic.
 */
export async function startWorkload(
  stack: LocalStack,
  plans: ReadonlyMap<string, RunPlan>,
): Promise<Workload> {
  if (stack.pubsubHost === undefined) throw new Error('the workload needs the Pub/Sub emulator');
  const pubsub = new PubSub({
    projectId: stack.projectId,
    apiEndpoint: stack.pubsubHost,
    emulatorMode: true,
  });
  const runs = new Map<string, WorkloadRun>();
  const errors: unknown[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, send: () => Promise<unknown>) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      send().catch((error: unknown) => errors.push(error));
    }, ms);
    timers.add(timer);
  };
  const [topic] = await pubsub.createTopic(MIX_TOPIC);
  const [subscription] = await topic.createSubscription(`${MIX_TOPIC}-workload`);
  subscription.on('message', (message: Message) => {
    message.ack();
    const runId = message.attributes['dfchain_run_id'] ?? '?';
    const step = message.attributes['dfchain_step'] ?? '?';
    const run: WorkloadRun = runs.get(runId) ?? {
      messages: new Map<string, Set<string>>(),
      callbacks: 0,
      heartbeats: 0,
    };
    runs.set(runId, run);
    const ids = run.messages.get(step) ?? new Set<string>();
    run.messages.set(step, ids);
    // Pub/Sub itself may deliver a message again: the workload answers each message once.
    if (ids.has(message.id)) return;
    ids.add(message.id);
    const { token, files } = JSON.parse(message.data.toString('utf8')) as {
      token?: string;
      files?: number;
    };
    const mix = plans.get(runId)?.mix;
    if (token === undefined || mix === undefined) return;
    if (mix.heartbeat) {
      run.heartbeats += 1;
      later(0, () => stack.publish({ dfchain: 'heartbeat', token }));
    }
    for (const delay of mix.callbackDelaysMs) {
      run.callbacks += 1;
      const output = { approved: true, files };
      later(delay, () =>
        stack.publish({ dfchain: 'callback', token, status: 'SUCCEEDED', output }),
      );
    }
  });
  return {
    runs,
    errors,
    stop: async () => {
      for (const timer of timers) clearTimeout(timer);
      await subscription.close();
      await pubsub.close();
    },
  };
}
