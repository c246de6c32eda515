import { strict as assert } from 'node:assert';
import type { Catcher, Retrier } from '../../../src/chain/types.js';
import {
  RETRY_DEFAULTS,
  catcherFor,
  errorMatches,
  isFatal,
  retryDecision,
} from '../../../src/engine/retry-policy.js';
import type { RunError } from '../../../src/engine/run.js';

const error = (name: string): RunError => ({ Error: name, Cause: 'boom' });

describe('engine: retry policy', () => {
  describe('errorMatches', () => {
    const cases: [errorEquals: string[], name: string, matches: boolean][] = [
      // By exact name.
      [['Dataflow.JobFailed'], 'Dataflow.JobFailed', true],
      [['Dataflow.JobFailed'], 'Dataflow.JobCancelled', false],
      [['Dataflow.JobFailed', 'Dataflow.JobCancelled'], 'Dataflow.JobCancelled', true],
      [['ErrorA'], 'errora', false],
      [[], 'Dataflow.JobFailed', false],
      // States.ALL: anything but the fatal States.Runtime.
      [['States.ALL'], 'Dataflow.JobFailed', true],
      [['States.ALL'], 'States.Timeout', true],
      [['States.ALL'], 'States.HeartbeatTimeout', true],
      [['States.ALL'], 'States.ExceedToleratedFailureThreshold', true],
      [['States.ALL'], 'A.Custom.Error', true],
      [['States.ALL'], 'States.Runtime', false],
      // Not even by its own name: AWS never retries or catches it.
      [['States.Runtime'], 'States.Runtime', false],
      [['States.Runtime', 'States.ALL', 'States.TaskFailed'], 'States.Runtime', false],
      // States.DataLimitExceeded is terminal too.
      [['States.ALL'], 'States.DataLimitExceeded', false],
      [['States.DataLimitExceeded'], 'States.DataLimitExceeded', false],
      [['States.TaskFailed'], 'States.DataLimitExceeded', false],
      // States.TaskFailed: any known error but States.Timeout.
      [['States.TaskFailed'], 'Dataflow.JobFailed', true],
      [['States.TaskFailed'], 'Dataflow.LaunchFailed', true],
      [['States.TaskFailed'], 'States.HeartbeatTimeout', true],
      [['States.TaskFailed'], 'States.Timeout', false],
      [['States.TaskFailed'], 'States.Runtime', false],
      [['States.TaskFailed', 'States.Timeout'], 'States.Timeout', true],
    ];
    for (const [errorEquals, name, matches] of cases) {
      it(`${JSON.stringify(errorEquals)} ${matches ? 'matches' : 'does not match'} ${name}`, () => {
        assert.equal(errorMatches(errorEquals, name), matches);
      });
    }
  });

  describe('isFatal', () => {
    for (const [name, fatal] of [
      ['States.Runtime', true],
      ['States.DataLimitExceeded', true],
      ['States.Timeout', false],
      ['Dataflow.JobFailed', false],
      ['States.ALL', false],
    ] as const) {
      it(`${name}: ${fatal}`, () => assert.equal(isFatal(error(name)), fatal));
    }
  });

  describe('retryDecision', () => {
    const all: Retrier = { ErrorEquals: ['States.ALL'] };

    it('has ASL defaults: 1 s, 3 attempts, backoff 2.0', () => {
      assert.deepEqual(RETRY_DEFAULTS, { IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2 });
      const delays = [0, 1, 2, 3].map(
        (used) => retryDecision([all], error('Dataflow.JobFailed'), { 0: used }, 0.5)?.delayMs,
      );
      assert.deepEqual(delays, [1000, 2000, 4000, undefined]);
    });

    it('counts no retry used when the retrier has no entry yet', () => {
      assert.deepEqual(retryDecision([all], error('Dataflow.JobFailed'), {}, 0.5), {
        retrier: 0,
        delayMs: 1000,
      });
    });

    const growth: [name: string, retrier: Retrier, delays: (number | undefined)[]][] = [
      [
        'IntervalSeconds 3, BackoffRate 1.5',
        { ErrorEquals: ['States.ALL'], IntervalSeconds: 3, BackoffRate: 1.5, MaxAttempts: 4 },
        [3000, 4500, 6750, 10125, undefined],
      ],
      [
        'BackoffRate 1: a constant interval',
        { ErrorEquals: ['States.ALL'], IntervalSeconds: 7, BackoffRate: 1 },
        [7000, 7000, 7000, undefined],
      ],
      [
        'MaxDelaySeconds caps every interval',
        { ErrorEquals: ['States.ALL'], IntervalSeconds: 10, BackoffRate: 3, MaxDelaySeconds: 50 },
        [10_000, 30_000, 50_000, undefined],
      ],
      [
        'MaxDelaySeconds below the first interval',
        { ErrorEquals: ['States.ALL'], IntervalSeconds: 10, MaxDelaySeconds: 4, MaxAttempts: 2 },
        [4000, 4000, undefined],
      ],
      [
        'JitterStrategy NONE ignores the drawn number',
        { ErrorEquals: ['States.ALL'], IntervalSeconds: 2, JitterStrategy: 'NONE' },
        [2000, 4000, 8000, undefined],
      ],
      ['MaxAttempts 0 never retries', { ErrorEquals: ['States.ALL'], MaxAttempts: 0 }, [undefined]],
      [
        'MaxAttempts 1 retries once',
        { ErrorEquals: ['States.ALL'], MaxAttempts: 1 },
        [1000, undefined],
      ],
    ];
    for (const [name, retrier, delays] of growth) {
      it(`delays after 0, 1, 2, … retries: ${name}`, () => {
        const got = delays.map(
          (_, used) =>
            retryDecision([retrier], error('Dataflow.JobFailed'), { 0: used }, 0.25)?.delayMs,
        );
        assert.deepEqual(got, delays);
      });
    }

    describe('FULL jitter scales the delay by the drawn unit', () => {
      const full: Retrier = {
        ErrorEquals: ['States.ALL'],
        IntervalSeconds: 10,
        JitterStrategy: 'FULL',
      };
      const cases: [name: string, retrier: Retrier, used: number, unit: number, delay: number][] = [
        ['a quarter', full, 0, 0.25, 2500],
        ['zero: retry at once', full, 0, 0, 0],
        ['almost one', full, 0, 0.999, 9990],
        ['after backoff: 40 s × 0.5', full, 2, 0.5, 20_000],
        [
          'after the cap: min(80 s, 30 s) × 0.5',
          { ...full, MaxDelaySeconds: 30, MaxAttempts: 5 },
          3,
          0.5,
          15_000,
        ],
        ['rounded to the millisecond', { ...full, IntervalSeconds: 1 }, 0, 0.12345678, 123],
        ['rounded up at half', { ...full, IntervalSeconds: 1 }, 0, 0.0125, 13],
      ];
      for (const [name, retrier, used, unit, delay] of cases) {
        it(name, () => {
          assert.deepEqual(retryDecision([retrier], error('X'), { 0: used }, unit), {
            retrier: 0,
            delayMs: delay,
          });
        });
      }
    });

    it('the first matching retrier decides, even once its attempts are used up', () => {
      const retriers: Retrier[] = [
        { ErrorEquals: ['Dataflow.JobFailed'], MaxAttempts: 1 },
        { ErrorEquals: ['States.ALL'], MaxAttempts: 5 },
      ];
      assert.deepEqual(retryDecision(retriers, error('Dataflow.JobFailed'), {}, 0), {
        retrier: 0,
        delayMs: 1000,
      });
      // Used up: the error goes to Catch, the later States.ALL retrier is not asked.
      assert.equal(retryDecision(retriers, error('Dataflow.JobFailed'), { 0: 1 }, 0), undefined);
      // Another error skips the first retrier and counts on the second's own retries.
      assert.deepEqual(retryDecision(retriers, error('Dataflow.JobCancelled'), { 0: 1, 1: 2 }, 0), {
        retrier: 1,
        delayMs: 4000,
      });
    });

    it('a MaxAttempts 0 retrier that matches first stops a later one', () => {
      const retriers: Retrier[] = [
        { ErrorEquals: ['States.Timeout'], MaxAttempts: 0 },
        { ErrorEquals: ['States.ALL'] },
      ];
      assert.equal(retryDecision(retriers, error('States.Timeout'), {}, 0), undefined);
      assert.equal(retryDecision(retriers, error('Dataflow.JobFailed'), {}, 0)?.retrier, 1);
    });

    const none: [name: string, retriers: Retrier[] | undefined, error: RunError][] = [
      ['no Retry field', undefined, error('Dataflow.JobFailed')],
      ['an empty Retry', [], error('Dataflow.JobFailed')],
      ['no retrier matches', [{ ErrorEquals: ['ErrorA'] }], error('Dataflow.JobFailed')],
      [
        'States.Runtime under States.ALL',
        [{ ErrorEquals: ['States.ALL'] }],
        error('States.Runtime'),
      ],
      [
        'States.Timeout under States.TaskFailed',
        [{ ErrorEquals: ['States.TaskFailed'] }],
        error('States.Timeout'),
      ],
    ];
    for (const [name, retriers, err] of none) {
      it(`does not retry: ${name}`, () => {
        assert.equal(retryDecision(retriers, err, {}, 0.5), undefined);
      });
    }
  });

  describe('catcherFor', () => {
    const catchers: Catcher[] = [
      { ErrorEquals: ['Dataflow.JobFailed'], Next: 'OnFailed' },
      { ErrorEquals: ['States.TaskFailed'], Next: 'OnTask' },
      { ErrorEquals: ['States.ALL'], Next: 'OnAll' },
    ];
    const cases: [name: string, next: string | undefined][] = [
      ['Dataflow.JobFailed', 'OnFailed'],
      ['Dataflow.JobCancelled', 'OnTask'],
      ['States.Timeout', 'OnAll'],
      ['States.Runtime', undefined],
    ];
    for (const [name, next] of cases) {
      it(`${name} → ${next ?? 'no catcher'}`, () => {
        assert.equal(catcherFor(catchers, error(name))?.Next, next);
      });
    }

    it('no Catch field catches nothing', () => {
      assert.equal(catcherFor(undefined, error('Dataflow.JobFailed')), undefined);
    });
  });
});
