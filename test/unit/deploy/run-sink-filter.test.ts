import { strict as assert } from 'node:assert';
import type { Chain } from '../../../src/chain/types.js';
import { chainFacts, renderFacts } from '../../../src/deploy/chain-facts.js';
import { matchesFilter, renderFilter, sinkFilter } from '../../../src/deploy/sink-filter.js';
import { runCompletionEntry } from '../../../src/local/simulator/run-log-entry.js';

function completion(
  job: string,
  outcome: 'SUCCEEDED' | 'FAILED' | 'CANCELLED' = 'SUCCEEDED',
): object {
  return JSON.parse(
    JSON.stringify(
      runCompletionEntry(
        {
          projectId: 'demo-proj',
          projectNumber: '123456789012',
          location: 'europe-west4',
          job,
          execution: `${job}-x7k2p`,
          outcome,
          message: 'm',
          taskCount: 1,
          succeededCount: 1,
          failedCount: 0,
          cancelledCount: 0,
          env: {},
          createTime: 0,
        },
        1,
        2,
      ),
    ),
  ) as object;
}

function chain(name: string, states: Record<string, unknown>): Chain {
  return {
    name,
    definition: { StartAt: Object.keys(states)[0], States: states },
  } as unknown as Chain;
}

describe('sink filter: Cloud Run job executions', () => {
  const filter = sinkFilter(['ingest'], ['transform', 'load.v2']);

  it('adds the RunJob completion entries of the named jobs beside the Dataflow part', () => {
    assert.equal(
      renderFilter(filter),
      '(resource.type="dataflow_step"' +
        ' AND logName:"/logs/dataflow.googleapis.com%2Fjob-message"' +
        ' AND (textPayload="Worker pool stopped." OR textPayload=~"^Error occurred in the launcher container: " OR textPayload:"Timeout in polling result file")' +
        ' AND resource.labels.job_name=~"^(ingest)-[0-9a-f]{12}$")' +
        ' OR (resource.type="cloud_run_job"' +
        ' AND logName:"/logs/cloudaudit.googleapis.com%2Fsystem_event"' +
        ' AND protoPayload.methodName="/Jobs.RunJob"' +
        ' AND resource.labels.job_name=~"^(load\\\\.v2|transform)$")',
    );
  });

  it("matches the completion of a named job's execution, whatever its outcome", () => {
    for (const outcome of ['SUCCEEDED', 'FAILED', 'CANCELLED'] as const) {
      assert.equal(matchesFilter(filter, completion('transform', outcome)), true, outcome);
    }
  });

  it("does not match another job's execution, a longer name, or the job's own output", () => {
    assert.equal(matchesFilter(filter, completion('other')), false);
    assert.equal(matchesFilter(filter, completion('transform-2')), false);
    const stdout = {
      ...completion('transform'),
      logName: 'projects/demo-proj/logs/run.googleapis.com%2Fstdout',
      textPayload: 'done',
    };
    assert.equal(matchesFilter(filter, stdout), false);
    const update = completion('transform') as { protoPayload: object };
    assert.equal(
      matchesFilter(filter, {
        ...update,
        protoPayload: { ...update.protoPayload, methodName: '/Jobs.UpdateJob' },
      }),
      false,
    );
  });

  it('a chain of run:job Tasks only gets the Cloud Run part', () => {
    assert.equal(
      renderFilter(sinkFilter([], ['transform'])),
      'resource.type="cloud_run_job" AND logName:"/logs/cloudaudit.googleapis.com%2Fsystem_event" AND protoPayload.methodName="/Jobs.RunJob" AND resource.labels.job_name=~"^(transform)$"',
    );
  });
});

describe('deploy facts: run:job Tasks', () => {
  const facts = chainFacts([
    chain('daily', {
      Short: { Type: 'Task', Resource: 'run:job', Parameters: { job: 'transform' }, Next: 'Full' },
      Full: {
        Type: 'Task',
        Resource: 'run:job',
        Parameters: { job: 'projects/p/locations/europe-west4/jobs/load' },
        Next: 'Fan',
      },
      Fan: {
        Type: 'Map',
        ItemProcessor: {
          StartAt: 'Each',
          States: {
            Each: {
              Type: 'Task',
              Resource: 'run:job',
              Parameters: { 'job.$': '$.job' },
              End: true,
            },
          },
        },
        Next: 'Odd',
      },
      Odd: { Type: 'Task', Resource: 'run:job', Parameters: { job: 'Not A Job' }, End: true },
    }),
  ]);

  it('lists the short names of the jobs named, and the Tasks that compute theirs', () => {
    assert.deepEqual(facts.runJobs, ['load', 'transform']);
    assert.deepEqual(facts.computedRunJobs, ['daily: States.Fan.ItemProcessor.States.Each']);
    assert.deepEqual(facts.regions, [], 'a run:job needs no Dataflow region');
  });

  it('renders them as run-job and computed-run-job lines', () => {
    assert.deepEqual(renderFacts(facts), [
      'run-job load',
      'run-job transform',
      'computed-run-job daily: States.Fan.ItemProcessor.States.Each',
    ]);
  });
});
