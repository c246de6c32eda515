import { Logging } from '@google-cloud/logging';
import type { Writable } from 'node:stream';
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
  const log = new Logging({ projectId }).logSync('dfchain', stream, { useMessageField: false });
  return {
    write(line: LogLine): void {
      const labels: Record<string, string> = {};
      for (const [field, label] of Object.entries(LOG_LABELS)) {
        const value = line[field];
        if (typeof value === 'string') labels[label] = value;
      }
      log.write(log.entry({ severity: line.severity, labels }, { ...line }));
    },
  };
}
