import { strict as assert } from 'node:assert';
import type { ExecutionSummary } from '../../../src/cloudrun/execution.js';
import {
  runJobError,
  runJobParameterProblems,
  runJobRef,
  runJobRequest,
  runJobResult,
} from '../../../src/cloudrun/parameters.js';

const AT = 'States.Transform.Parameters';

function summary(outcome: ExecutionSummary['outcome'], cause?: string): ExecutionSummary {
  return {
    name: 'projects/p/locations/europe-west4/jobs/transform/executions/transform-x7k2p',
    ref: { projectId: 'p', location: 'europe-west4', job: 'transform' },
    execution: 'transform-x7k2p',
    outcome,
    taskCount: 3,
    runningCount: 0,
    succeededCount: 2,
    failedCount: 1,
    cancelledCount: 0,
    retriedCount: 0,
    createTime: '',
    ...(cause === undefined ? {} : { cause }),
    env: {},
  };
}

describe('cloudrun: run:job Parameters', () => {
  it('resolves a short job name in the project and region, and takes a full name as it is', () => {
    assert.deepEqual(runJobRef('transform', 'p', 'europe-west4'), {
      projectId: 'p',
      location: 'europe-west4',
      job: 'transform',
    });
    assert.deepEqual(runJobRef('projects/other/locations/us-central1/jobs/load', 'p', undefined), {
      projectId: 'other',
      location: 'us-central1',
      job: 'load',
    });
    assert.equal(
      runJobRef('transform', 'p', undefined),
      'job "transform" is a short name, so it needs the Task\'s Region (or Defaults.Region); or give projects/P/locations/L/jobs/J',
    );
    assert.equal(
      runJobRef('Transform Job', 'p', 'europe-west4'),
      'job "Transform Job" is neither a job name (lowercase letters, digits and hyphens, starting with a letter) nor projects/P/locations/L/jobs/J',
    );
    assert.equal(
      runJobRef('projects/p/locations/l/jobs/9lives', 'p', undefined),
      'job "projects/p/locations/l/jobs/9lives": "9lives" is not a Cloud Run job name',
    );
  });

  it('sends the overrides as written, and nothing when there are none', () => {
    const overrides = { containerOverrides: [{ args: ['a'] }], taskCount: 2, timeout: '60s' };
    assert.deepEqual(runJobRequest({ job: 'j', overrides }), { overrides });
    assert.deepEqual(runJobRequest({ job: 'j' }), {});
  });

  it('gives the pinned result and the pinned errors', () => {
    assert.deepEqual(runJobResult(summary('SUCCEEDED')), {
      executionName: 'transform-x7k2p',
      job: 'transform',
      location: 'europe-west4',
      succeededCount: 2,
      failedCount: 1,
    });
    assert.equal(runJobError(summary('SUCCEEDED')), undefined);
    assert.equal(runJobError(summary('RUNNING')), undefined);
    assert.deepEqual(runJobError(summary('FAILED', 'exit 1')), {
      Error: 'Run.ExecutionFailed',
      Cause:
        'execution projects/p/locations/europe-west4/jobs/transform/executions/transform-x7k2p failed: exit 1',
    });
    assert.deepEqual(runJobError(summary('CANCELLED', 'by a user')), {
      Error: 'Run.ExecutionCancelled',
      Cause:
        'execution projects/p/locations/europe-west4/jobs/transform/executions/transform-x7k2p was cancelled: by a user',
    });
  });

  it('accepts the pinned shape, the proto extras and paths', () => {
    assert.deepEqual(
      runJobParameterProblems(
        {
          job: 'transform',
          overrides: {
            containerOverrides: [
              { name: 'main', args: ['--date'], 'env.$': '$.env', clearArgs: false },
              {
                env: [
                  { name: 'MODE', value: 'full' },
                  { name: 'DATE', 'value.$': '$.date' },
                ],
              },
            ],
            taskCount: 4,
            timeout: '3600s',
          },
        },
        AT,
      ),
      [],
    );
    assert.deepEqual(runJobParameterProblems({ 'job.$': '$.job', 'overrides.$': '$.o' }, AT), []);
  });

  it('names every problem the schema cannot, at its place', () => {
    assert.deepEqual(
      runJobParameterProblems(
        {
          job: 'Bad Name',
          jobName: 'x',
          overrides: {
            tasks: 2,
            taskCount: 0,
            timeout: '10m',
            containerOverrides: [
              { image: 'x', env: [{ name: 'DFCHAIN_STEP', value: 'forged', secret: 's' }] },
              null,
            ],
          },
        },
        AT,
      ),
      [
        {
          path: `${AT}.jobName`,
          message: '"jobName" is not a field of Parameters (expected job, overrides)',
        },
        {
          path: `${AT}.job`,
          message:
            'job "Bad Name" is neither a job name (lowercase letters, digits and hyphens, starting with a letter) nor projects/P/locations/L/jobs/J',
        },
        {
          path: `${AT}.overrides.tasks`,
          message:
            '"tasks" is not a field of overrides (expected containerOverrides, taskCount, timeout)',
        },
        {
          path: `${AT}.overrides.timeout`,
          message: 'timeout "10m" is not a Duration such as "3600s"',
        },
        {
          path: `${AT}.overrides.taskCount`,
          message: 'taskCount 0 is not a whole number of at least 1',
        },
        {
          path: `${AT}.overrides.containerOverrides[0].image`,
          message:
            '"image" is not a field of containerOverrides[0] (expected name, args, env, clearArgs)',
        },
        {
          path: `${AT}.overrides.containerOverrides[0].env[0].secret`,
          message: '"secret" is not a field of env[0] (expected name, value)',
        },
        {
          path: `${AT}.overrides.containerOverrides[0].env[0].name`,
          message: 'DFCHAIN_STEP is set by dfchain (it names the step); use another name',
        },
      ],
    );
  });

  it('needs a job, and Parameters at all', () => {
    assert.deepEqual(runJobParameterProblems(undefined, AT), [
      { path: AT, message: 'a run:job Task needs Parameters with a job' },
    ]);
    assert.deepEqual(runJobParameterProblems({ overrides: {} }, AT), [
      {
        path: AT,
        message:
          'a run:job Task needs Parameters.job (a job name, or projects/P/locations/L/jobs/J)',
      },
    ]);
    assert.deepEqual(runJobParameterProblems({ job: 7 }, AT), [
      { path: `${AT}.job`, message: 'job must be a string' },
    ]);
  });
});
