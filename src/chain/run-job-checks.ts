import { parseJobName } from '../cloudrun/execution.js';
import { runJobParameterProblems } from '../cloudrun/parameters.js';
import type { ChainProblem } from '../errors.js';
import { isObject } from '../json.js';
import { chainStates } from './graph.js';
import { RUN_JOB_RESOURCE } from './resources.js';

/**
 * Checks of `run:job` Tasks: their Parameters as Cloud Run takes them (runJobParameterProblems),
 * and a Region (on the Task or in Defaults) for a job given by its short name, which `jobs.run`
 * needs in full.
 */
export function runJobProblems(chain: unknown): ChainProblem[] {
  const defaults = isObject(chain) && isObject(chain['Defaults']) ? chain['Defaults'] : {};
  const problems: ChainProblem[] = [];
  for (const { state, place } of chainStates(chain)) {
    if (state.Type !== 'Task' || state.Resource !== RUN_JOB_RESOURCE) continue;
    problems.push(...runJobParameterProblems(state.Parameters, `${place}.Parameters`));
    const job = isObject(state.Parameters) ? state.Parameters['job'] : undefined;
    const short = typeof job === 'string' && parseJobName(job) === undefined;
    if (short && !Object.hasOwn(state, 'Region') && defaults['Region'] === undefined) {
      problems.push({
        path: `${place}.Region`,
        message: `required for job "${job}" given by its short name (or set Defaults.Region, or give projects/P/locations/L/jobs/J)`,
      });
    }
  }
  return problems;
}
