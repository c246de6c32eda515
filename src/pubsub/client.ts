import type { PubSub } from '@google-cloud/pubsub';
import { PublishPermanentError, PublishTransientError } from '../errors.js';
import type { OutgoingMessage, PublishPort } from './port.js';

/**
 * gRPC codes a publish is refused with for good: INVALID_ARGUMENT (3), NOT_FOUND (5: no such
 * topic), PERMISSION_DENIED (7), FAILED_PRECONDITION (9), UNAUTHENTICATED (16). Every other
 * code (UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, INTERNAL, …) may pass
 * (https://cloud.google.com/pubsub/docs/reference/error-codes: "The client can retry"); the
 * client has already retried CANCELLED, UNKNOWN, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED,
 * INTERNAL and UNAVAILABLE for Publish, for up to 600 s (@google-cloud/pubsub
 * build/src/v1/publisher_client_config.json).
 */
const PERMANENT_CODES: readonly number[] = [3, 5, 7, 9, 16];

/** The typed error of a failed publish to `topic`. */
export function publishError(topic: string, error: unknown): Error {
  const code = (error as { code?: unknown }).code;
  const text = error instanceof Error ? error.message : String(error);
  if (typeof code === 'number' && PERMANENT_CODES.includes(code)) {
    const fix =
      code === 5
        ? 'create the topic, or correct Parameters.topic'
        : code === 7 || code === 16
          ? "grant the function's service account roles/pubsub.publisher on the topic"
          : "correct the Task's Parameters";
    return new PublishPermanentError(`publish to ${topic} refused: ${text}; ${fix}`, {
      cause: error,
    });
  }
  return new PublishTransientError(`publish to ${topic} failed, retrying: ${text}`, {
    cause: error,
  });
}

/**
 * The PublishPort over @google-cloud/pubsub (loaded at the first publish; it talks to the
 * emulator at `PUBSUB_EMULATOR_HOST` when that is set). One message per batch: a Task's message
 * is due now, not when a batch fills.
 */
export function createPublisher(projectId: string): PublishPort & { close(): Promise<void> } {
  let client: Promise<PubSub> | undefined;
  return {
    async publish({ topic, data, attributes }: OutgoingMessage): Promise<string> {
      client ??= import('@google-cloud/pubsub').then(({ PubSub }) => new PubSub({ projectId }));
      try {
        const handle = (await client).topic(topic, { batching: { maxMessages: 1 } });
        return await handle.publishMessage({ data, attributes: { ...attributes } });
      } catch (error) {
        throw publishError(topic, error);
      }
    },
    async close() {
      if (client) await (await client).close();
    },
  };
}
