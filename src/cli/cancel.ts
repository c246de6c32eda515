import { MAX_CANCEL_CAUSE, RUN_ID_PATTERN } from '../events/command.js';
import { publishCommand, type Publisher } from './start.js';

/** What `dfchain cancel` publishes. */
export interface CancelOptions {
  readonly projectId: string;
  readonly topic: string;
  readonly runId: string;
  /** The run's error Cause; absent: the function's default ("cancelled by a cancel command"). */
  readonly cause?: string;
}

/**
 * Why the cancel cannot succeed, checked before publishing: the function acknowledges such a
 * command and only logs the refusal, so the person who typed it would never see it.
 */
export function cancelRefusal(options: Pick<CancelOptions, 'runId' | 'cause'>): string | undefined {
  if (!RUN_ID_PATTERN.test(options.runId)) {
    return `dfchain cancel: ${JSON.stringify(options.runId)} is not a run id: use 1 to 63 lowercase letters, digits, "_" and "-", starting with a letter or digit`;
  }
  if (options.cause !== undefined && options.cause.length > MAX_CANCEL_CAUSE) {
    return `dfchain cancel: --cause is ${options.cause.length} characters; at most ${MAX_CANCEL_CAUSE}`;
  }
  return undefined;
}

/**
 * `dfchain cancel RUN_ID [--cause TEXT]`: publishes a cancel command on the events topic. The
 * function cancels the run's running jobs and ends it CANCELLED (a run that already ended stays
 * as it is; an unknown run is only logged). Exit 0 when published; 1, with one line on `err`,
 * when the run id is malformed or Pub/Sub fails.
 */
export async function cancelCommand(
  options: CancelOptions,
  connect: () => Promise<Publisher>,
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  const refused = cancelRefusal(options);
  if (refused !== undefined) {
    err(refused);
    return 1;
  }
  const command = {
    dfchain: 'cancel',
    runId: options.runId,
    ...(options.cause !== undefined ? { cause: options.cause } : {}),
  };
  const id = await publishCommand('cancel', options, command, connect, err);
  if (id === undefined) return 1;
  out(`published cancel of run ${options.runId} as message ${id} on ${options.topic}`);
  out(`follow it: dfchain status ${options.runId}`);
  return 0;
}
