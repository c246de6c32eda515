import { jobNameFor } from '../../src/chain/job-name.js';
import type { ChainDefinition, State } from '../../src/chain/types.js';
import type { IncomingEvent } from '../../src/events/signal.js';
import type { JsonObject } from '../../src/json.js';

/** A Pub/Sub CloudEvent (Eventarc shape) carrying `value` as base64 JSON in message.data. */
export function pubsubEvent(value: unknown, id: string): IncomingEvent {
  const data = Buffer.from(JSON.stringify(value), 'utf8').toString('base64');
  return {
    id,
    type: 'google.cloud.pubsub.topic.v1.messagePublished',
    source: '//pubsub.googleapis.com/projects/bench-proj/topics/dfchain-events',
    data: {
      message: { data, messageId: id, publishTime: '2026-11-22T10:00:00Z', attributes: {} },
      subscription: 'projects/bench-proj/subscriptions/eventarc-sub',
    },
  };
}

/** The `start` command for a run. */
export function startCommand(chain: string, runId: string, input: JsonObject): JsonObject {
  return { dfchain: 'start', chain, runId, input };
}

/** A Dataflow job as its final log line names it. */
export interface JobMention {
  readonly jobId: string;
  readonly jobName: string;
  readonly projectId: string;
  readonly location: string;
}

/** The "Worker pool stopped." LogEntry a Log Router sink delivers when a job ends. */
export function completionEntry(job: JobMention): JsonObject {
  return {
    insertId: 'bench1',
    logName: `projects/${job.projectId}/logs/dataflow.googleapis.com%2Fjob-message`,
    resource: {
      type: 'dataflow_step',
      labels: {
        job_id: job.jobId,
        job_name: job.jobName,
        project_id: '123456789012',
        region: job.location,
        step_id: '',
      },
    },
    textPayload: 'Worker pool stopped.',
    severity: 'INFO',
    timestamp: '2026-11-22T10:00:00.000Z',
  };
}

/** One Task of a linear chain, in the order a run meets it. */
export interface LinearTask {
  readonly state: string;
  readonly prefix: string;
  readonly location: string;
}

/** The Tasks of a linear chain from StartAt along Next. */
export function linearTasks(definition: ChainDefinition): LinearTask[] {
  const tasks: LinearTask[] = [];
  for (let name: string | undefined = definition.StartAt; name !== undefined; ) {
    const state: State | undefined = definition.States[name];
    if (state?.Type !== 'Task') break;
    const location = state.Region ?? definition.Defaults?.Region ?? '';
    tasks.push({ state: name, prefix: state.Parameters.jobName ?? '', location });
    name = state.Next;
  }
  return tasks;
}

/** The deterministic job name dfchain gives a Task's first attempt in a run. */
export function taskJobName(chain: string, runId: string, task: LinearTask): string {
  return jobNameFor(task.prefix, { chain, runId, state: task.state, attempt: 0, nonce: '' });
}
