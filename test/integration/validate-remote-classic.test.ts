import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jobNameFor } from '../../src/chain/job-name.js';
import { DRY_RUN_ID } from '../../src/cli/task-inputs.js';
import { startSimulator, type Simulator } from '../../src/local/simulator/index.js';
import { PACKAGE_ROOT } from '../../src/local/stack.js';
import { runProgram, type Outcome } from './deploy/shell-script.js';

const EXPORT = 'gs://dfchain-test/templates/export';

/** One classic template Task reading the input. */
function chain(gcsPath: string): string {
  return JSON.stringify({
    StartAt: 'Export',
    Defaults: { Region: 'europe-west4' },
    States: {
      Export: {
        Type: 'Task',
        Resource: 'dataflow:template',
        Parameters: { jobName: 'export', gcsPath, parameters: { 'day.$': '$.date' } },
        End: true,
      },
    },
  });
}

describe('dfchain validate --remote of a classic template Task, against the simulator', function () {
  this.timeout(60_000);
  let simulator: Simulator;
  let dir: string;

  before(async () => {
    simulator = await startSimulator({ templates: [EXPORT] });
    dir = mkdtempSync(join(tmpdir(), 'dfchain-validate-classic-'));
    writeFileSync(join(dir, 'nightly.json'), chain(EXPORT));
    writeFileSync(join(dir, 'typo.json'), chain('gs://dfchain-test/templates/exprot'));
  });
  after(async () => {
    await simulator.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const cli = (file: string): Promise<Outcome> =>
    runProgram(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/main.ts',
        'validate',
        '--remote',
        '--input',
        '{"date":"2024-01-31"}',
        file,
      ],
      {
        cwd: PACKAGE_ROOT,
        env: {
          PATH: process.env['PATH'],
          HOME: dir,
          GOOGLE_CLOUD_PROJECT: 'demo-proj',
          DFCHAIN_DATAFLOW_ROOT_URL: simulator.rootUrl,
          METADATA_SERVER_DETECTION: 'none',
        },
      },
    );

  it('sends templates.launch with validateOnly=true: accepted, exit 0, no job', async () => {
    const launches = simulator.calls.launch;
    const outcome = await cli(join(dir, 'nightly.json'));
    assert.equal(outcome.code, 0, outcome.stderr);
    assert.equal(outcome.stderr.trim().split('\n').at(-1), 'the APIs accepted 1 of 1 Task');
    assert.equal(simulator.calls.launch - launches, 1);
    assert.deepEqual(simulator.jobs(), [], 'a dry run launches nothing');
  });

  it('an unknown gcsPath: Dataflow refuses it at the Task, exit 1', async () => {
    const file = join(dir, 'typo.json');
    const outcome = await cli(file);
    assert.equal(outcome.code, 1, outcome.stderr);
    const name = jobNameFor('export', {
      chain: 'typo',
      runId: DRY_RUN_ID,
      state: 'States.Export',
      attempt: 0,
      nonce: '',
    });
    assert.equal(
      outcome.stdout.trim(),
      `${file}: States.Export.Parameters: Dataflow refused: Dataflow templates.launch projects/demo-proj/locations/europe-west4 (validateOnly, job ${name}) failed: HTTP 400 INVALID_ARGUMENT: Invalid template file gs://dfchain-test/templates/exprot: no such object. (Simulator: the templates it knows are ${EXPORT}.) (the request is invalid: check the step's Parameters in the chain file)`,
    );
  });
});
