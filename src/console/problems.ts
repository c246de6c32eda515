import { endpointText, failureLine } from '../cli/failure.js';
import type { ApiProblem } from './api.js';
import type { ConsoleContext } from './context.js';

/** A problem the API answers, with its HTTP status. */
export interface Answered {
  readonly status: number;
  readonly problem: ApiProblem;
}

/** HTTP status of each kind of problem. */
const STATUS: Readonly<Record<ApiProblem['kind'], number>> = {
  'bad-request': 400,
  forbidden: 403,
  'not-found': 404,
  refused: 409,
  unavailable: 503,
};

/** The answer for a problem of `kind` worded `error`. */
export function problem(kind: ApiProblem['kind'], error: string): Answered {
  return { status: STATUS[kind], problem: { error, kind } };
}

/** A read of the store that failed, worded as `dfchain status` words it (where, and what to do). */
export function storeProblem(
  error: unknown,
  ctx: Pick<ConsoleContext, 'storeEndpoint' | 'projectId'>,
): Answered {
  return problem(
    'unavailable',
    failureLine(error, {
      command: 'console',
      endpoint: ctx.storeEndpoint,
      projectId: ctx.projectId,
    }),
  );
}

/** No run of that id: where the console looked, and where runs are listed. */
export function noRun(
  runId: string,
  ctx: Pick<ConsoleContext, 'storeEndpoint' | 'projectId'>,
): Answered {
  return problem(
    'not-found',
    `No run "${runId}" in ${endpointText(ctx.storeEndpoint)} for project ${ctx.projectId}: check the run id in the address; the Runs page lists the runs of the last day`,
  );
}
