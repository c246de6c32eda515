import { withDeadline } from '../cli/failure.js';
import { publishCommand } from '../cli/start.js';
import { redriveProblem } from '../engine/redrive.js';
import { RUN_ID_PATTERN } from '../events/command.js';
import type { ActionDone } from './api.js';
import type { ConsoleContext } from './context.js';
import { noRun, problem, storeProblem, type Answered } from './problems.js';

/** What the Run page's buttons do. */
export type Action = 'cancel' | 'redrive';

/** Why `action` cannot be taken on the run now, read from the store before publishing. */
async function refusal(
  ctx: ConsoleContext,
  action: Action,
  runId: string,
): Promise<Answered | undefined> {
  if (!ctx.allowActions) {
    return problem(
      'forbidden',
      `this console is read-only: start it with "dfchain console --allow-actions" to ${action} runs from the page (or run "dfchain ${action} ${runId}")`,
    );
  }
  if (!RUN_ID_PATTERN.test(runId)) {
    return problem(
      'bad-request',
      `${JSON.stringify(runId)} is not a run id: 1 to 63 lowercase letters, digits, "_" and "-"`,
    );
  }
  // Read as the pages read: a store that fails or hangs is a problem the page shows (503).
  let run;
  try {
    run = await withDeadline(ctx.store.get(runId));
  } catch (error) {
    return storeProblem(error, ctx);
  }
  if (run === undefined || run.part !== undefined) return noRun(runId, ctx);
  if (action === 'cancel' && run.status !== 'RUNNING') {
    return problem('refused', `run ${runId} is ${run.status}: only a RUNNING run can be cancelled`);
  }
  const redrive = action === 'redrive' ? redriveProblem(run) : undefined;
  return redrive === undefined ? undefined : problem('refused', redrive);
}

/**
 * Cancel or redrive from the page: refused unless the console runs with --allow-actions, then
 * checked against the stored run as `dfchain cancel` / `dfchain redrive` check it, then
 * published as the same command on the events topic (the function acts on it).
 */
export async function runAction(
  ctx: ConsoleContext,
  action: Action,
  runId: string,
): Promise<ActionDone | Answered> {
  const refused = await refusal(ctx, action, runId);
  if (refused) return refused;
  let failure = '';
  const id = await publishCommand(
    action,
    { projectId: ctx.projectId, topic: ctx.topic },
    action === 'cancel'
      ? { dfchain: action, runId, cause: 'cancelled from dfchain console' }
      : { dfchain: action, runId },
    ctx.connect,
    (line) => (failure = line),
  );
  if (id === undefined) return problem('unavailable', failure);
  return { message: `published ${action} of run ${runId} as message ${id} on ${ctx.topic}` };
}
