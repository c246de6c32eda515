/** One message a Task publishes: its topic (`projects/P/topics/T`), body and attributes. */
export interface OutgoingMessage {
  readonly topic: string;
  readonly data: Buffer;
  readonly attributes: Readonly<Record<string, string>>;
}

/**
 * Publishes the messages of `pubsub:publish…` Tasks. Implementations throw
 * PublishTransientError (the call may pass when made again) or PublishPermanentError (no such
 * topic, no permission, a message Pub/Sub refuses), both from src/errors.ts.
 */
export interface PublishPort {
  /** Publishes one message and resolves to its server-assigned message id. */
  publish(message: OutgoingMessage): Promise<string>;
}
