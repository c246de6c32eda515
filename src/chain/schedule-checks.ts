import type { ChainProblem } from '../errors.js';
import { isObject } from '../json.js';
import { cronSyntaxProblem } from '../schedule/cron-syntax.js';
import { cronParserProblem } from '../schedule/ticks.js';
import { timeZoneProblem } from '../schedule/time-zone.js';

/**
 * Checks a chain's `Schedule` beyond the schema: its Cron is unix-cron as Cloud Scheduler takes
 * it (cron-syntax.ts) and fires at some time, and its TimeZone is an IANA name. Values of the
 * wrong type are the schema's to report.
 */
export function scheduleProblems(chain: unknown): ChainProblem[] {
  if (!isObject(chain) || !isObject(chain['Schedule'])) return [];
  const { Cron: cron, TimeZone: zone } = chain['Schedule'];
  const problems: ChainProblem[] = [];
  const zoneProblem = typeof zone === 'string' && zone !== '' ? timeZoneProblem(zone) : undefined;
  if (typeof cron === 'string' && cron !== '') {
    const syntax = cronSyntaxProblem(cron);
    // Computing ticks needs a zone the parser reads; a bad zone is reported on its own.
    const parser =
      syntax === undefined && zoneProblem === undefined
        ? cronParserProblem({ Cron: cron, ...(typeof zone === 'string' ? { TimeZone: zone } : {}) })
        : undefined;
    if (syntax !== undefined) problems.push({ path: 'Schedule.Cron', message: syntax });
    else if (parser !== undefined)
      problems.push({
        path: 'Schedule.Cron',
        message: `${JSON.stringify(cron)} never fires (cron-parser: ${parser}): check that the day of the month exists in the months given`,
      });
  }
  if (zoneProblem !== undefined) problems.push({ path: 'Schedule.TimeZone', message: zoneProblem });
  return problems;
}
