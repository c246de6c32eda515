import { redriveProblem } from '../engine/redrive.js';
import { RUN_ID_PATTERN } from '../events/command.js';
import type { RunStore } from '../store/port.js';
import { publishCommand, type Publisher } from './start.js';

/** What `dfchain redrive` publishes. */
export interface RedriveOptions {
  readonly projectId: string;
  readonly topic: string;
  readonly runId: string;
}

/**
 * Why the redrive cannot succeed, read from the store before publishing: the function
 * acknowledges such a command and only logs the refusal, so whoever typed it would not see it.
 */
export async function redriveRefusal(store: RunStore, runId: string): Promise<string | undefined> {
  if (!RUN_ID_PATTERN.test(runId)) {
    return `dfchain redrive: ${JSON.stringify(runId)} is not a run id: use 1 to 63 lowercase letters, digits, "_" and "-", starting with a letter or digit`;
  }
  const run = await store.get(runId);
  if (run === undefined || run.part !== undefined) {
    return `dfchain redrive: no run ${runId} in the store; dfchain runs --status FAILED lists the runs that can be redriven`;
  }
  const problem = redriveProblem(run);
  return problem === undefined ? undefined : `dfchain redrive: ${problem}`;
}

/**
 * `dfchain redrive RUN_ID`: checks in the store that the run FAILED or was CANCELLED and kept
 * where it stopped, then publishes a redrive command: the function resumes the run from the
 * states that did not succeed, keeping every completed job. Exit 0 when published; 1, with
 * one line on `err`, when the run cannot be redriven or Pub/Sub fails.
 */
export async function redriveCommand(
  options: RedriveOptions,
  store: RunStore,
  connect: () => Promise<Publisher>,
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  const refused = await redriveRefusal(store, options.runId);
  if (refused !== undefined) {
    err(refused);
    return 1;
  }
  const run = await store.get(options.runId);
  const command = { dfchain: 'redrive', runId: options.runId };
  const id = await publishCommand('redrive', options, command, connect, err);
  if (id === undefined) return 1;
  const from = run?.stopped?.state;
  out(`published redrive of run ${options.runId} as message ${id} on ${options.topic}`);
  if (from !== undefined) out(`it resumes from state ${from}, keeping every job that succeeded`);
  out(`follow it: dfchain status ${options.runId}`);
  return 0;
}
