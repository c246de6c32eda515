import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  validateRemoteCommand,
  type RemoteValidateOptions,
} from '../../../src/cli/validate-remote.js';
import type { JobRef, TemplateLaunch } from '../../../src/dataflow/job.js';
import type { DataflowDryRunPort } from '../../../src/dataflow/port.js';
import {
  ConfigError,
  DataflowPermanentError,
  DataflowTransientError,
} from '../../../src/errors.js';

/** A dry-run port that records each request and answers with `answer`. */
class FakeDryRun implements DataflowDryRunPort {
  readonly seen: { ref: JobRef; request: TemplateLaunch }[] = [];
  constructor(
    private readonly answer: (request: TemplateLaunch) => Error | undefined = () => undefined,
  ) {}
  validateTemplate(ref: JobRef, request: TemplateLaunch): Promise<void> {
    return this.validateFlexTemplate(ref, request);
  }
  validateFlexTemplate(ref: JobRef, request: TemplateLaunch): Promise<void> {
    this.seen.push({ ref, request });
    const error = this.answer(request);
    return error ? Promise.reject(error) : Promise.resolve();
  }
}

const refused = (message: string) =>
  new DataflowPermanentError(
    `Dataflow flexTemplates.launch failed: HTTP 400 INVALID_ARGUMENT: ${message}`,
    {
      operation: 'flexTemplates.launch',
      httpStatus: 400,
      status: 'INVALID_ARGUMENT',
    },
  );

const CHAIN = {
  StartAt: 'Ingest',
  Defaults: { Region: 'europe-west4', Environment: { tempLocation: 'gs://b/tmp' } },
  States: {
    Ingest: {
      Type: 'Task',
      Resource: 'dataflow:flexTemplate',
      Parameters: {
        jobName: 'ingest',
        containerSpecGcsPath: 'gs://b/ingest.json',
        parameters: { 'date.$': '$.date', 'workers.$': '$.workers' },
      },
      // Publish reads $.ingest from the run's input: the Task's result is dropped.
      ResultPath: null,
      Next: 'Publish',
    },
    Publish: {
      Type: 'Task',
      Resource: 'dataflow:flexTemplate',
      Parameters: {
        jobName: 'publish',
        containerSpecGcsPath: 'gs://b/publish.json',
        parameters: { 'rows.$': '$.ingest.rows' },
      },
      End: true,
    },
  },
};

describe('validateRemoteCommand', () => {
  let dir: string;
  let out: string[];
  let err: string[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dfchain-remote-'));
    writeFileSync(join(dir, 'daily.json'), JSON.stringify(CHAIN));
    out = [];
    err = [];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const run = (port: DataflowDryRunPort, options: Partial<RemoteValidateOptions> = {}) =>
    validateRemoteCommand(
      {
        dir,
        files: [],
        json: false,
        input: { date: '2024-01-31', workers: 3 },
        projectId: 'p',
        ...options,
      },
      port,
      (l) => out.push(l),
      (l) => err.push(l),
    );

  it('sends the launch the function would send (job name, labels, Defaults, worker account) and exits 0 when accepted', async () => {
    const port = new FakeDryRun();
    assert.equal(await run(port, { workerServiceAccount: 'w@p.iam.gserviceaccount.com' }), 0);
    assert.deepEqual(out, []);
    assert.equal(port.seen.length, 1);
    const [{ ref, request }] = port.seen as [{ ref: JobRef; request: TemplateLaunch }];
    assert.deepEqual(ref, { projectId: 'p', location: 'europe-west4' });
    assert.match(request.launchParameter.jobName, /^ingest-[0-9a-f]{12}$/);
    assert.deepEqual(request.launchParameter.parameters, { date: '2024-01-31', workers: '3' });
    assert.deepEqual(request.launchParameter.environment, {
      serviceAccountEmail: 'w@p.iam.gserviceaccount.com',
      tempLocation: 'gs://b/tmp',
      additionalUserLabels: {
        'dfchain-run': 'dfchain-validate',
        'dfchain-chain': 'daily',
        'dfchain-state': 'ingest',
      },
    });
    assert.deepEqual(err.slice(-2), [
      `${join(dir, 'daily.json')}: States.Publish.Parameters.parameters.rows.$: warning: cannot resolve without running: $.ingest.rows (path "$.ingest.rows" not found in the state input (the state input has no "ingest"))`,
      'the APIs accepted 1 of 1 Task; 1 place cannot be resolved without running',
    ]);
  });

  it('prints each refusal at its Task, FILE: PATH: Dataflow refused: message, and exits 1', async () => {
    const port = new FakeDryRun(() => refused('Invalid template file gs://b/ingest.json'));
    assert.equal(await run(port, { input: { date: 'd', workers: 1, ingest: { rows: 1 } } }), 1);
    assert.deepEqual(out, [
      `${join(dir, 'daily.json')}: States.Ingest.Parameters: Dataflow refused: Dataflow flexTemplates.launch failed: HTTP 400 INVALID_ARGUMENT: Invalid template file gs://b/ingest.json`,
      `${join(dir, 'daily.json')}: States.Publish.Parameters: Dataflow refused: Dataflow flexTemplates.launch failed: HTTP 400 INVALID_ARGUMENT: Invalid template file gs://b/ingest.json`,
    ]);
    assert.equal(err.at(-1), 'the APIs accepted 0 of 2 Tasks');
  });

  it('--json: one object {valid, problems, warnings}, nothing else on stdout', async () => {
    const port = new FakeDryRun((r) =>
      r.launchParameter.jobName.startsWith('ingest') ? refused('no') : undefined,
    );
    assert.equal(await run(port, { json: true }), 1);
    assert.equal(out.length, 1);
    const printed = JSON.parse(out[0]!) as {
      valid: boolean;
      problems: unknown[];
      warnings: unknown[];
    };
    assert.equal(printed.valid, false);
    assert.deepEqual(printed.problems, [
      {
        file: join(dir, 'daily.json'),
        path: 'States.Ingest.Parameters',
        message:
          'Dataflow refused: Dataflow flexTemplates.launch failed: HTTP 400 INVALID_ARGUMENT: no',
      },
    ]);
    assert.equal(printed.warnings.length, 1);
  });

  it("--json: the local check's warnings (a path it cannot check before the run) are in its warnings too", async () => {
    // Publish is reached from Ingest and from Ingest's Catch: its input's shape is lost.
    const caught = {
      ...CHAIN,
      States: {
        ...CHAIN.States,
        Ingest: {
          ...CHAIN.States.Ingest,
          ResultPath: '$.ingest',
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Publish' }],
        },
      },
    };
    writeFileSync(join(dir, 'daily.json'), JSON.stringify(caught));
    assert.equal(await run(new FakeDryRun(), { json: true }), 0);
    const printed = JSON.parse(out[0]!) as { warnings: { path: string; message: string }[] };
    assert.deepEqual(
      printed.warnings.map((w) => w.path),
      [
        'States.Publish.Parameters.parameters.rows.$',
        'States.Publish.Parameters.parameters.rows.$',
      ],
    );
    assert.match(printed.warnings[0]!.message, /cannot be checked before the run/);
    assert.match(printed.warnings[1]!.message, /^cannot resolve without running/);
  });

  it('a transient fault is a problem to run again, not a refusal', async () => {
    const port = new FakeDryRun(
      () => new DataflowTransientError('HTTP 503 UNAVAILABLE', { operation: 'x', httpStatus: 503 }),
    );
    assert.equal(await run(port), 1);
    assert.deepEqual(out, [
      `${join(dir, 'daily.json')}: States.Ingest.Parameters: Dataflow did not validate it (run again): HTTP 503 UNAVAILABLE`,
    ]);
  });

  it('no HTTP answer (no credentials, no network) ends the command with one ConfigError line', async () => {
    const port = new FakeDryRun(
      () =>
        new DataflowPermanentError(
          'Dataflow flexTemplates.launch failed: Could not load the default credentials. (set up Application Default Credentials (gcloud auth application-default login), or set DFCHAIN_DATAFLOW_ROOT_URL to use the local simulator)',
          { operation: 'flexTemplates.launch' },
        ),
    );
    await assert.rejects(run(port), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(
        error.message,
        /^dfchain validate --remote: .*gcloud auth application-default login/,
      );
      assert.ok(!error.message.includes('\n'));
      return true;
    });
  });

  it('skips the remote part when the local validation fails, with its output unchanged', async () => {
    writeFileSync(join(dir, 'bad.json'), '{"StartAt": "A", "States": {}}');
    const port = new FakeDryRun();
    assert.equal(await run(port), 1);
    assert.ok(
      out.length > 0 && out.every((l) => l.startsWith(join(dir, 'bad.json'))),
      out.join('\n'),
    );
    assert.equal(err.at(-1), 'remote validation skipped: fix the problems above first');
    assert.equal(port.seen.length, 0);
    out.length = 0;
    assert.equal(await run(port, { json: true }), 1);
    assert.equal((JSON.parse(out[0]!) as { valid: boolean }).valid, false);
  });
});
