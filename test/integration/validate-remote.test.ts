import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jobNameFor } from '../../src/chain/job-name.js';
import { DRY_RUN_ID } from '../../src/cli/task-inputs.js';
import { startSimulator, type Simulator } from '../../src/local/simulator/index.js';
import { PACKAGE_ROOT } from '../../src/local/stack.js';
import { runProgram, type Outcome } from './deploy/shell-script.js';

const INGEST = 'gs://dfchain-test/templates/ingest.json';
const PUBLISH = 'gs://dfchain-test/templates/publish.json';
const INPUT = '{"date":"2024-01-31","team":"sales"}';

/** A two-Task chain: Ingest reads the input, Publish reads Ingest's result. */
function chain(ingestTemplate: string, labels: Record<string, string> = { team: 'sales' }): string {
  return JSON.stringify({
    StartAt: 'Ingest',
    Defaults: { Region: 'europe-west4' },
    States: {
      Ingest: {
        Type: 'Task',
        Resource: 'dataflow:flexTemplate',
        Parameters: {
          jobName: 'ingest',
          containerSpecGcsPath: ingestTemplate,
          parameters: { 'date.$': '$.date' },
          environment: { additionalUserLabels: labels },
        },
        ResultPath: '$.ingest',
        Next: 'Publish',
      },
      Publish: {
        Type: 'Task',
        Resource: 'dataflow:flexTemplate',
        Parameters: {
          jobName: 'publish',
          containerSpecGcsPath: PUBLISH,
          parameters: { 'date.$': '$.date', 'source.$': '$.ingest.jobName' },
        },
        End: true,
      },
    },
  });
}

const job = (chainName: string, place: string, prefix: string) =>
  jobNameFor(prefix, { chain: chainName, runId: DRY_RUN_ID, state: place, attempt: 0, nonce: '' });

describe('dfchain validate --remote against the Dataflow simulator', function () {
  this.timeout(60_000);
  let simulator: Simulator;
  let dir: string;

  before(async () => {
    simulator = await startSimulator({ templates: [INGEST, PUBLISH] });
    dir = mkdtempSync(join(tmpdir(), 'dfchain-validate-remote-'));
    writeFileSync(join(dir, 'daily.json'), chain(INGEST));
    writeFileSync(join(dir, 'typo.json'), chain('gs://dfchain-test/templates/injest.json'));
    // A label value from the input: a number there is no string in the launch body.
    writeFileSync(join(dir, 'labels.json'), chain(INGEST, { 'team.$': '$.team' }));
  });
  after(async () => {
    await simulator.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs the CLI as a user does, against the simulator unless `env` says otherwise. */
  function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Outcome> {
    return runProgram(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'validate', '--remote', ...args],
      {
        cwd: PACKAGE_ROOT,
        env: {
          PATH: process.env['PATH'],
          HOME: dir,
          GOOGLE_CLOUD_PROJECT: 'demo-proj',
          DFCHAIN_DATAFLOW_ROOT_URL: simulator.rootUrl,
          METADATA_SERVER_DETECTION: 'none',
          ...env,
        },
      },
    );
  }

  const lines = (text: string) => text.split('\n').filter(Boolean);
  const unresolved = (file: string) =>
    `${file}: States.Publish.Parameters.parameters.source.$: warning: cannot resolve without running: $.ingest.jobName (path "$.ingest.jobName" not found in the state input (the state input has no "ingest"))`;

  it("a good chain: Dataflow accepts the Task the input resolves, exit 0; what reads Ingest's result is a warning", async () => {
    const file = join(dir, 'daily.json');
    const launches = simulator.calls.launch;
    const outcome = await cli(['--input', INPUT, file]);
    assert.equal(outcome.code, 0, outcome.stderr);
    assert.equal(outcome.stdout, '');
    assert.deepEqual(lines(outcome.stderr), [
      `ok  daily  (${file}: 2 states, starts at Ingest)`,
      '1 chain valid',
      unresolved(file),
      'the APIs accepted 1 of 1 Task; 1 place cannot be resolved without running',
    ]);
    assert.equal(simulator.calls.launch - launches, 1);
    assert.deepEqual(simulator.jobs(), [], 'a dry run launches nothing');
  });

  it('the input resolves the later Task too, from a file (@FILE)', async () => {
    const file = join(dir, 'daily.json');
    writeFileSync(join(dir, 'input.json'), '{"date":"2024-01-31","ingest":{"jobName":"x"}}');
    const outcome = await cli(['--input', `@${join(dir, 'input.json')}`, file]);
    assert.equal(outcome.code, 0, outcome.stderr);
    assert.equal(lines(outcome.stderr).at(-1), 'the APIs accepted 2 of 2 Tasks');
  });

  it('a template path Dataflow cannot read: its refusal at the Task, exit 1', async () => {
    const file = join(dir, 'typo.json');
    const outcome = await cli(['--input', INPUT, file]);
    assert.equal(outcome.code, 1, outcome.stderr);
    assert.deepEqual(lines(outcome.stdout), [
      `${file}: States.Ingest.Parameters: Dataflow refused: Dataflow flexTemplates.launch projects/demo-proj/locations/europe-west4 (validateOnly, job ${job('typo', 'States.Ingest', 'ingest')}) failed: HTTP 400 INVALID_ARGUMENT: Invalid template file gs://dfchain-test/templates/injest.json: no such object. (Simulator: the templates it knows are ${INGEST}, ${PUBLISH}.) (the request is invalid: check the step's Parameters in the chain file)`,
    ]);
    assert.equal(
      lines(outcome.stderr).at(-1),
      'the APIs accepted 0 of 1 Task; 1 place cannot be resolved without running',
    );
  });

  it('a non-string value from the input: refused as Google refuses a map<string, string> value, exit 1', async () => {
    const file = join(dir, 'labels.json');
    const good = await cli(['--input', INPUT, file]);
    assert.equal(good.code, 0, good.stderr);
    const outcome = await cli(['--input', '{"date":"2024-01-31","team":5}', '--json', file]);
    assert.equal(outcome.code, 1, outcome.stderr);
    assert.deepEqual(JSON.parse(outcome.stdout), {
      valid: false,
      problems: [
        {
          file,
          path: 'States.Ingest.Parameters',
          message: `Dataflow refused: Dataflow flexTemplates.launch projects/demo-proj/locations/europe-west4 (validateOnly, job ${job('labels', 'States.Ingest', 'ingest')}) failed: HTTP 400 INVALID_ARGUMENT: Invalid value at 'launch_parameter.environment.additional_user_labels[team]' (TYPE_STRING), 5 (the request is invalid: check the step's Parameters in the chain file)`,
        },
      ],
      warnings: [
        {
          file,
          path: 'States.Publish.Parameters.parameters.source.$',
          message:
            'cannot resolve without running: $.ingest.jobName (path "$.ingest.jobName" not found in the state input (the state input has no "ingest"))',
        },
      ],
    });
  });

  it('without credentials or a simulator: one line saying what to do, no stack trace, exit 1', async () => {
    const outcome = await cli(['--input', INPUT, join(dir, 'daily.json')], {
      DFCHAIN_DATAFLOW_ROOT_URL: '',
      CLOUDSDK_CONFIG: dir,
      GOOGLE_APPLICATION_CREDENTIALS: '',
    });
    assert.equal(outcome.code, 1);
    const last = lines(outcome.stderr).at(-1) ?? '';
    assert.match(
      last,
      /^dfchain validate --remote: Dataflow flexTemplates\.launch .* failed: .*\(set up Application Default Credentials \(gcloud auth application-default login\), or set DFCHAIN_DATAFLOW_ROOT_URL to use the local simulator\)$/,
    );
    assert.ok(!/^\s+at /m.test(outcome.stderr), outcome.stderr);
  });

  it('a bad --input stops before any call, naming the option', async () => {
    const outcome = await cli(['--input', '[1]', join(dir, 'daily.json')]);
    assert.equal(outcome.code, 1);
    assert.equal(
      outcome.stderr,
      '--input must be a JSON object, the input a run starts with, got [1]\n',
    );
  });
});
