import { strict as assert } from 'node:assert';
import { cronSyntaxProblem } from '../../../src/schedule/cron-syntax.js';

const FORMAT =
  'minute hour day-of-month month day-of-week, such as "0 5 * * *" (every day at 05:00)';
const EXTENSION =
  'is not unix-cron: Cloud Scheduler takes no L, W, #, ? or H; use numbers, names, ranges a-b, steps /n and lists a,b';

describe('cronSyntaxProblem: unix-cron as Cloud Scheduler takes it', () => {
  it('accepts what Google documents: *, numbers, ranges, steps, lists, uppercase names, 7 for Sunday', () => {
    for (const cron of [
      '* * * * *',
      '0 5 * * *',
      '45 23 * * 6',
      '0 9 * * 1',
      '*/15 0-23/2 1,15 JAN-MAR MON-FRI',
      '0 5 * * 7',
      '0 5 * JUL THU',
      '59 23 31 12 0',
      ' 0  5 * * * ',
    ])
      assert.equal(cronSyntaxProblem(cron), undefined, cron);
  });

  const cases: [cron: string, message: string][] = [
    ['', `"" is empty: write 5 fields, ${FORMAT}`],
    ['@daily', `"@daily" is not unix-cron: Cloud Scheduler takes 5 fields, ${FORMAT}`],
    ['0 5 * *', `"0 5 * *" has 4 fields; Cloud Scheduler's unix-cron has 5: ${FORMAT}`],
    [
      '0 0 5 * * *',
      `"0 0 5 * * *" has 6 fields; Cloud Scheduler's unix-cron has 5 (no seconds field): ${FORMAT}`,
    ],
    ['60 * * * *', '"60 * * * *": the minute 60 is out of range 0-59'],
    ['0 24 * * *', '"0 24 * * *": the hour 24 is out of range 0-23'],
    ['0 0 0 * *', '"0 0 0 * *": the day of the month 0 is out of range 1-31'],
    ['0 0 1 13 *', '"0 0 1 13 *": the month 13 is out of range 1-12 or JAN to DEC'],
    [
      '0 0 * * 8',
      '"0 0 * * 8": the day of the week 8 is out of range 0-6 or SUN to SAT (7 is Sunday)',
    ],
    ['0 5 * jan *', '"0 5 * jan *": the month "jan" must be written in uppercase, "JAN"'],
    [
      '0 5 * * MONDAY',
      '"0 5 * * MONDAY": the day of the week "MONDAY" is neither a number nor a name (0-6 or SUN to SAT (7 is Sunday))',
    ],
    ['X 5 * * *', '"X 5 * * *": the minute "X" is not a number (0-59)'],
    ['0 5 L * *', `"0 5 L * *": the day of the month "L" ${EXTENSION}`],
    ['0 5 15W * *', `"0 5 15W * *": the day of the month "15W" ${EXTENSION}`],
    ['0 5 * * MON#2', `"0 5 * * MON#2": the day of the week "MON#2" ${EXTENSION}`],
    ['0 5 ? * *', `"0 5 ? * *": the day of the month "?" ${EXTENSION}`],
    ['H 5 * * *', `"H 5 * * *": the minute "H" ${EXTENSION}`],
    ['*/0 * * * *', '"*/0 * * * *": the minute step "/0" must be at least 1'],
    [
      '5/10 * * * *',
      '"5/10 * * * *": the minute "5/10" has a step after a single value: a step follows a range or *, as "5-59/10"',
    ],
    [
      '0 5-1 * * *',
      '"0 5-1 * * *": the hour range "5-1" runs backwards: write the smaller value first',
    ],
    [
      '0 5 1- * *',
      '"0 5 1- * *": the day of the month "1-" is not a value, a range a-b, a step */n or a-b/n (1-31)',
    ],
    ['0 5,61 * * *', '"0 5,61 * * *": the hour 61 is out of range 0-23'],
  ];
  for (const [cron, message] of cases)
    it(`refuses ${JSON.stringify(cron)}`, () => assert.equal(cronSyntaxProblem(cron), message));
});
