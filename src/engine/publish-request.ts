import { isObject, type Json, type JsonObject } from '../json.js';

/**
 * What a `pubsub:publish` Task sends, fixed when its intent is recorded so a publish made again
 * after a crash is the same message. `data` is published as its JSON text.
 */
export interface PublishRequest {
  readonly kind: 'publish';
  /** The full topic name, `projects/P/topics/T`. */
  readonly topic: string;
  readonly data: Json;
  readonly attributes: Readonly<Record<string, string>>;
  /**
   * `.waitForTaskToken` only: the text that stands for `$$.Task.Token` in `data` and the
   * attributes. The token itself is drawn when the message is published (the engine draws no
   * randomness it does not store, and the token is stored only as a hash).
   */
  readonly tokenPlaceholder?: string;
}

/** Attributes dfchain adds to every message it publishes, so a consumer can tell runs and steps apart (and drop a repeat). */
export const PUBLISH_ATTRIBUTES = {
  runId: 'dfchain_run_id',
  state: 'dfchain_state',
  step: 'dfchain_step',
} as const;

/**
 * The stand-in for `$$.Task.Token` in a waiting Task's resolved Parameters: made of characters
 * JSON never escapes, so it is found again in the message's JSON text and replaced there.
 */
export function tokenPlaceholder(stepName: string): string {
  return `dfchain-task-token:${stepName}:placeholder`;
}

/** `projects/P/topics/T` for a full name, or the topic `T` of project `projectId`. */
export function topicPath(topic: string, projectId: string): string {
  return topic.startsWith('projects/') ? topic : `projects/${projectId}/topics/${topic}`;
}

/**
 * The publish request of a Task from its resolved Parameters: its attributes as strings (an
 * object as its JSON text, as Pub/Sub attributes are `map<string, string>`), dfchain's attributes
 * added last so no chain can overwrite them.
 */
export function publishRequest(
  resolved: JsonObject,
  projectId: string,
  ids: { readonly runId: string; readonly state: string; readonly step: string },
  placeholder?: string,
): PublishRequest {
  const topic = resolved['topic'];
  const given = resolved['attributes'];
  const attributes: Record<string, string> = {};
  if (isObject(given)) {
    for (const [key, value] of Object.entries(given))
      attributes[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  attributes[PUBLISH_ATTRIBUTES.runId] = ids.runId;
  attributes[PUBLISH_ATTRIBUTES.state] = ids.state;
  attributes[PUBLISH_ATTRIBUTES.step] = ids.step;
  return {
    kind: 'publish',
    // Stryker disable next-line StringLiteral: the schema requires a topic, and task.ts checks a resolved one
    topic: topicPath(typeof topic === 'string' ? topic : '', projectId),
    data: resolved['data'] ?? null,
    attributes,
    ...(placeholder === undefined ? {} : { tokenPlaceholder: placeholder }),
  };
}
