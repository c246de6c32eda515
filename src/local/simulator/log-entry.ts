/**
 * The Cloud Logging `LogEntry` a Log Router sink delivers (as JSON in Pub/Sub `message.data`)
 * for a Dataflow job message. Shape checked against entries captured from real sinks.
 */
export interface LogEntry {
  readonly insertId: string;
  /** `projects/{projectId}/logs/dataflow.googleapis.com%2Fjob-message`. */
  readonly logName: string;
  readonly resource: {
    readonly type: 'dataflow_step';
    readonly labels: {
      readonly job_id: string;
      readonly job_name: string;
      /** Real entries often carry the project NUMBER here: read the project from `logName`. */
      readonly project_id: string;
      readonly region: string;
      readonly step_id: string;
    };
  };
  readonly textPayload: string;
  readonly severity: 'DEFAULT' | 'DEBUG' | 'INFO' | 'NOTICE' | 'WARNING' | 'ERROR' | 'CRITICAL';
  /** RFC 3339 UTC: when the message was written. */
  readonly timestamp: string;
  /** RFC 3339 UTC: when Cloud Logging received it. */
  readonly receiveTimestamp: string;
  readonly labels: {
    readonly 'dataflow.googleapis.com/job_id': string;
    readonly 'dataflow.googleapis.com/job_name': string;
    readonly 'dataflow.googleapis.com/region': string;
    readonly 'dataflow.googleapis.com/log_type': 'system';
  };
}
