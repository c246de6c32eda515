import { strict as assert } from 'node:assert';
import type { ChainDefinition } from '../../../src/chain/types.js';
import { consoleUrl, scheduleView, stepSeconds } from '../../../src/cli/status-extras.js';
import { renderRun, runView } from '../../../src/cli/status.js';
import type { Run } from '../../../src/engine/run.js';

const T0 = '2026-11-30T02:00:00.000Z';

describe('dfchain status: console links, durations, redrives and schedules', () => {
  it('links a job with an id to its Dataflow console page, escaping each part', () => {
    assert.equal(
      consoleUrl({
        jobId: '2026-11-30_02_00_00-123',
        location: 'europe-west4',
        projectId: 'my-proj',
      }),
      'https://console.cloud.google.com/dataflow/jobs/europe-west4/2026-11-30_02_00_00-123?project=my-proj',
    );
    assert.equal(consoleUrl({ location: 'europe-west4', projectId: 'p' }), undefined);
    const execution = 'projects/p/locations/europe-west4/jobs/j/executions/j-abcde';
    const runJob = {
      kind: 'runJob' as const,
      ref: { projectId: 'p', location: 'l', job: 'j' },
      body: {},
    };
    assert.equal(
      consoleUrl({ jobId: execution, location: 'europe-west4', projectId: 'p', request: runJob }),
      undefined,
    );
    assert.match(
      consoleUrl({ jobId: 'a/b', location: 'x', projectId: 'p&q' }) ?? '',
      /jobs\/x\/a%2Fb\?project=p%26q$/,
    );
  });

  it('counts a duration from the recorded launch to the recorded end only', () => {
    assert.equal(stepSeconds({ launchedAt: T0, endedAt: '2026-11-30T02:01:30.000Z' }), 90);
    assert.equal(stepSeconds({ launchedAt: T0 }), undefined);
    assert.equal(stepSeconds({ endedAt: T0 }), undefined);
  });

  it("shows a scheduled chain's next three fire times in its zone", () => {
    const definition = {
      StartAt: 'A',
      States: {},
      Schedule: { Cron: '0 2 * * *', TimeZone: 'Europe/Amsterdam' },
    } as unknown as ChainDefinition;
    assert.deepEqual(scheduleView(definition, new Date(T0)), {
      cron: '0 2 * * *',
      timeZone: 'Europe/Amsterdam',
      next: ['2026-12-01T01:00:00.000Z', '2026-12-02T01:00:00.000Z', '2026-12-03T01:00:00.000Z'],
    });
    assert.equal(
      scheduleView({ StartAt: 'A', States: {} } as unknown as ChainDefinition, new Date(T0)),
      undefined,
    );
  });

  it('the status line says how often the run was redriven and which tick it stands for', () => {
    const run: Run = {
      id: 'nightly-20261130t0100z',
      chain: 'nightly',
      definitionHash: 'h',
      projectId: 'p',
      input: {},
      status: 'RUNNING',
      startTime: T0,
      scheduledTime: '2026-11-30T01:00:00.000Z',
      redriveCount: 2,
      steps: {},
      frames: {},
    };
    const view = runView(run);
    assert.equal(view.redriveCount, 2);
    assert.equal(view.scheduledTime, '2026-11-30T01:00:00.000Z');
    const lines = renderRun(view);
    assert.equal(
      lines[0],
      `run nightly-20261130t0100z  chain nightly  RUNNING  started ${T0}  redriven 2x`,
    );
    assert.equal(lines[1], 'scheduled for 2026-11-30T01:00:00.000Z');
  });
});
