import type { Logging } from '@google-cloud/logging';
// The structured stdout writer alone: the package's index also loads the whole gRPC Logging API
// client (~400 ms of a cold start) that a function writing to stdout never calls.
import { Entry } from '@google-cloud/logging/build/src/entry.js';
import { LogSync } from '@google-cloud/logging/build/src/log-sync.js';
import type { Writable } from 'node:stream';
import { boundLogLine } from './bound.js';
import type { LogLine, Logger } from './port.js';

/** Label keys in Cloud Logging, so `labels."dfchain.run"="r1"` shows a whole run. */
export const LOG_LABELS = {
  runId: 'dfchain.run',
  chain: 'dfchain.chain',
  state: 'dfchain.state',
} as const;

/**
 * Structured JSON lines on stdout through @google-cloud/logging's LogSync: Cloud Functions
 * forwards stdout to Cloud Logging, which lifts severity and labels out of each line, so the
 * function makes no Logging API call on its hot path.
 */
export function createCloudLogger(projectId: string, stream: Writable = process.stdout): Logger {
  // What LogSync reads of a Logging client: the project and the entry factory.
  const logging = {
    projectId,
    entry: (metadata: object, data: object) => new Entry(metadata, data),
  };
  const log = new LogSync(logging as unknown as Logging, 'dfchain', stream, {
    useMessageField: false,
  });
  return {
    write(untrimmed: LogLine): void {
      // Untrusted text (job names, reasons, inputs) is trimmed here, where every line passes.
      const line = boundLogLine(untrimmed);
      const labels: Record<string, string> = {};
      for (const [field, label] of Object.entries(LOG_LABELS)) {
        const value = line[field];
        if (typeof value === 'string') labels[label] = value;
      }
      log.write(log.entry({ severity: line.severity, labels }, { ...line }));
    },
  };
}
