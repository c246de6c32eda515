/** Cloud Logging severities dfchain uses (ALERT: a missed Deadline, for an alert policy). */
export const SEVERITIES = ['DEBUG', 'INFO', 'NOTICE', 'WARNING', 'ERROR', 'ALERT'] as const;
/** Cloud Logging severities dfchain uses. */
export type Severity = (typeof SEVERITIES)[number];

/** One structured log line; run, chain and state become Cloud Logging labels. */
export interface LogLine {
  readonly severity: Severity;
  /** Machine-readable name such as `run.started` or `message.ignored`. */
  readonly event: string;
  readonly message: string;
  readonly runId?: string;
  readonly chain?: string;
  readonly state?: string;
  readonly jobName?: string;
  readonly jobId?: string;
  readonly [field: string]: unknown;
}

/** Where log lines go. */
export interface Logger {
  write(line: LogLine): void;
}
