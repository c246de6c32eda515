import { PubSub } from '@google-cloud/pubsub';
import type { JsonObject } from '../json.js';

/** What `dfchain start` publishes. */
export interface StartOptions {
  readonly projectId: string;
  readonly topic: string;
  readonly chain: string;
  readonly runId?: string;
  readonly input: JsonObject;
}

/** `dfchain start`: publishes a start command on the events topic (honours PUBSUB_EMULATOR_HOST). */
export async function startCommand(
  options: StartOptions,
  out: (line: string) => void,
): Promise<number> {
  const pubsub = new PubSub({ projectId: options.projectId });
  try {
    const command = {
      dfchain: 'start',
      chain: options.chain,
      ...(options.runId ? { runId: options.runId } : {}),
      input: options.input,
    };
    const id = await pubsub.topic(options.topic).publishMessage({ json: command });
    out(`published start of chain ${options.chain} as message ${id} on ${options.topic}`);
    out(
      options.runId
        ? `follow it: dfchain status ${options.runId}`
        : `its run id is ${options.chain}-${id}`,
    );
    return 0;
  } finally {
    await pubsub.close();
  }
}
