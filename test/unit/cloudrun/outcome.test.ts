import { strict as assert } from 'node:assert';
import {
  executionOutcome,
  summarizeExecution,
  type ExecutionResource,
} from '../../../src/cloudrun/outcome.js';

const REF = { projectId: 'p', location: 'europe-west4', job: 'transform' };
const NAME = 'projects/p/locations/europe-west4/jobs/transform/executions/transform-x7k2p';
const DONE = '2026-11-30T10:00:00Z';

const completed = (state: string, extra: Record<string, string> = {}) => ({
  conditions: [
    { type: 'ResourcesAvailable', state: 'CONDITION_SUCCEEDED' },
    { type: 'Completed', state, ...extra },
  ],
});

describe('cloudrun: how an execution stands, from its Completed condition and counts', () => {
  const table: [string, ExecutionResource, string][] = [
    ['no condition yet', { taskCount: 2 }, 'RUNNING'],
    ['Completed still pending', completed('CONDITION_PENDING'), 'RUNNING'],
    ['Completed reconciling', completed('CONDITION_RECONCILING'), 'RUNNING'],
    ['an unknown state, no completion time', completed('CONDITION_SOMETHING_NEW'), 'RUNNING'],
    [
      'Completed succeeded',
      { ...completed('CONDITION_SUCCEEDED'), completionTime: DONE },
      'SUCCEEDED',
    ],
    [
      'Completed failed with a non-zero exit',
      {
        ...completed('CONDITION_FAILED', { executionReason: 'NON_ZERO_EXIT_CODE' }),
        failedCount: 1,
      },
      'FAILED',
    ],
    [
      'Completed failed, cancelled by users',
      { ...completed('CONDITION_FAILED', { executionReason: 'CANCELLED' }), cancelledCount: 3 },
      'CANCELLED',
    ],
    [
      'cancelling is not the end',
      completed('CONDITION_RECONCILING', { executionReason: 'CANCELLING' }),
      'RUNNING',
    ],
    [
      'ended, tasks cancelled, none failed',
      { completionTime: DONE, cancelledCount: 2, taskCount: 2 },
      'CANCELLED',
    ],
    [
      'ended with no condition, all tasks succeeded',
      { completionTime: DONE, taskCount: 2, succeededCount: 2 },
      'SUCCEEDED',
    ],
    [
      'ended with no condition, a task short',
      { completionTime: DONE, taskCount: 2, succeededCount: 1 },
      'FAILED',
    ],
    ['ended with no condition and no counts', { completionTime: DONE }, 'FAILED'],
  ];
  for (const [what, execution, outcome] of table) {
    it(`${what}: ${outcome}`, () => assert.equal(executionOutcome(execution), outcome));
  }

  it('summarises an execution with its counts, env and a cause from its condition', () => {
    const summary = summarizeExecution(
      {
        name: NAME,
        createTime: '2026-11-30T09:00:00Z',
        completionTime: DONE,
        taskCount: 3,
        succeededCount: 2,
        failedCount: 1,
        retriedCount: 1,
        ...completed('CONDITION_FAILED', {
          executionReason: 'NON_ZERO_EXIT_CODE',
          message: 'Task transform-x7k2p-task1 failed with exit code: 1',
        }),
        template: {
          containers: [
            {
              env: [
                { name: 'DFCHAIN_STEP', value: 's1' },
                { name: 'SECRET', value: null },
              ],
            },
            {
              env: [
                { name: 'DFCHAIN_STEP', value: 'other' },
                { name: 'MODE', value: 'full' },
              ],
            },
          ],
        },
      },
      { ref: REF, execution: '' },
    );
    assert.deepEqual(summary, {
      name: NAME,
      ref: REF,
      execution: 'transform-x7k2p',
      outcome: 'FAILED',
      taskCount: 3,
      runningCount: 0,
      succeededCount: 2,
      failedCount: 1,
      cancelledCount: 0,
      retriedCount: 1,
      createTime: '2026-11-30T09:00:00Z',
      completionTime: DONE,
      cause:
        'Task transform-x7k2p-task1 failed with exit code: 1 (NON_ZERO_EXIT_CODE); 1 failed, 0 cancelled, 2 succeeded of 3 tasks',
      env: { DFCHAIN_STEP: 's1', MODE: 'full' },
    });
  });

  it('gives the counts as the cause when the condition says nothing, and no cause on success', () => {
    const failed = summarizeExecution(
      { name: NAME, completionTime: DONE, taskCount: 1 },
      { ref: REF, execution: '' },
    );
    assert.equal(failed.cause, '0 failed, 0 cancelled, 0 succeeded of 1 tasks');
    const ok = summarizeExecution(
      { name: NAME, ...completed('CONDITION_SUCCEEDED') },
      { ref: REF, execution: '' },
    );
    assert.equal('cause' in ok, false);
  });

  it('falls back on the name it was asked for when the answer has none', () => {
    const summary = summarizeExecution({}, { ref: REF, execution: 'transform-abcde' });
    assert.equal(
      summary.name,
      'projects/p/locations/europe-west4/jobs/transform/executions/transform-abcde',
    );
    assert.equal(summary.createTime, '');
    assert.equal('completionTime' in summary, false);
  });
});
