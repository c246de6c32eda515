import type { IncomingEvent } from '../../../src/events/signal.js';

/** A sink LogEntry as Cloud Logging delivers it for a Dataflow job's final message. */
export function sinkEntry(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    insertId: 'abc123',
    logName: 'projects/my-proj/logs/dataflow.googleapis.com%2Fjob-message',
    resource: {
      type: 'dataflow_step',
      labels: {
        job_id: '2024-05-01_01_02_03-123456789',
        job_name: 'daily-ingest-r1-0',
        project_id: '123456789012',
        region: 'europe-west4',
        step_id: '',
      },
    },
    textPayload: 'Worker pool stopped.',
    severity: 'INFO',
    timestamp: '2024-05-01T01:12:03.000Z',
    ...overrides,
  };
}

/** Base64 of `value` as JSON (or of the string itself). */
export function base64(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return Buffer.from(text, 'utf8').toString('base64');
}

/** A messagePublished CloudEvent as Eventarc delivers it. */
export function eventarcPubSub(data: string | undefined, id = 'm-1'): IncomingEvent {
  return {
    id,
    type: 'google.cloud.pubsub.topic.v1.messagePublished',
    source: '//pubsub.googleapis.com/projects/my-proj/topics/dfchain-events',
    data: {
      message: { data, messageId: id, publishTime: '2024-05-01T01:12:04Z', attributes: {} },
      subscription: 'projects/my-proj/subscriptions/eventarc-sub',
    },
  };
}

/** The CloudEvent functions-framework makes of a raw Pub/Sub push body (no subscription). */
export function convertedPubSub(data: string, id = 'm-2'): IncomingEvent {
  return {
    id,
    type: 'google.cloud.pubsub.topic.v1.messagePublished',
    source: '//pubsub.googleapis.com/projects/my-proj/topics/dfchain-events',
    data: {
      message: {
        '@type': 'type.googleapis.com/google.pubsub.v1.PubsubMessage',
        data,
        attributes: {},
        messageId: id,
        publishTime: '2024-05-01T01:12:04Z',
      },
    },
  };
}

/** A Pub/Sub CloudEvent carrying `value` as JSON. */
export function published(value: unknown): IncomingEvent {
  return eventarcPubSub(base64(value));
}

/** An Eventarc Dataflow statusChanged CloudEvent. */
export function statusChanged(payload: Record<string, unknown> | undefined): IncomingEvent {
  return {
    id: 's-1',
    type: 'google.cloud.dataflow.job.v1beta3.statusChanged',
    source: '//dataflow.googleapis.com/projects/my-proj/locations/europe-west4',
    data: payload === undefined ? {} : { payload },
  };
}

/** A Dataflow Job as the statusChanged payload carries it. */
export function jobPayload(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: '2024-05-01_01_02_03-123456789',
    name: 'daily-ingest-r1-0',
    projectId: 'my-proj',
    location: 'europe-west4',
    currentState: 'JOB_STATE_DONE',
    labels: { 'dfchain-run': 'r1' },
    ...overrides,
  };
}
