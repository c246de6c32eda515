import type { DeliveryLedger } from './deliveries.js';

/** How the local stack delivers topic messages to the function. */
export interface Transport {
  /** `pubsub-emulator`: a real push subscription; `direct-push`: Pub/Sub's push body, posted here. */
  readonly kind: 'pubsub-emulator' | 'direct-push';
  /**
   * Publishes `data` (bytes, as a message's data) with `attributes` (the message's string map,
   * as a Cloud Storage notification carries its event in them) and resolves with the message id.
   */
  publish(data: Buffer, attributes?: Readonly<Record<string, string>>): Promise<string>;
  /** Pushes and acknowledgements per message id, when this transport counts them. */
  readonly deliveries?: DeliveryLedger;
  stop(): Promise<void>;
}

/** The topic path functions-framework reads the CloudEvent source from. */
export function pushPath(projectId: string, topic: string): string {
  return `/projects/${projectId}/topics/${topic}`;
}
