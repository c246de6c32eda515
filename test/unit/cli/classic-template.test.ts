import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderCommand } from '../../../src/cli/render.js';
import { validateRemoteCommand } from '../../../src/cli/validate-remote.js';
import type {
  ClassicTemplateLaunch,
  FlexTemplateLaunch,
  JobRef,
} from '../../../src/dataflow/job.js';
import type { DataflowDryRunPort } from '../../../src/dataflow/port.js';

const CHAIN = {
  StartAt: 'Export',
  Defaults: {
    Region: 'europe-west4',
    Environment: { tempLocation: 'gs://b/tmp', launcherMachineType: 'n1-standard-2' },
  },
  States: {
    Export: {
      Type: 'Task',
      Resource: 'dataflow:template',
      Parameters: {
        jobName: 'export',
        gcsPath: 'gs://b/templates/export',
        parameters: { 'day.$': '$.date' },
      },
      Next: 'Ingest',
    },
    Ingest: {
      Type: 'Task',
      Resource: 'dataflow:flexTemplate',
      Parameters: { jobName: 'ingest', containerSpecGcsPath: 'gs://b/ingest.json' },
      End: true,
    },
  },
};

/** Records which dry run each Task got. */
class Recorder implements DataflowDryRunPort {
  readonly classic: { ref: JobRef; request: ClassicTemplateLaunch }[] = [];
  readonly flex: FlexTemplateLaunch[] = [];
  validateTemplate(ref: JobRef, request: ClassicTemplateLaunch): Promise<void> {
    this.classic.push({ ref, request });
    return Promise.resolve();
  }
  validateFlexTemplate(_ref: JobRef, request: FlexTemplateLaunch): Promise<void> {
    this.flex.push(request);
    return Promise.resolve();
  }
}

describe('CLI: a dataflow:template Task', () => {
  let dir: string;
  let out: string[];
  let err: string[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dfchain-classic-'));
    writeFileSync(join(dir, 'nightly.json'), JSON.stringify(CHAIN));
    out = [];
    err = [];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('validate --remote asks templates.launch to validate the classic Task, the Flex one flexTemplates.launch', async () => {
    const port = new Recorder();
    const code = await validateRemoteCommand(
      { dir, files: [], json: false, input: { date: '2024-05-01' }, projectId: 'p' },
      port,
      (l) => out.push(l),
      (l) => err.push(l),
    );
    assert.equal(code, 0);
    assert.equal(port.flex.length, 1);
    assert.equal(port.classic.length, 1);
    const [{ ref, request }] = port.classic as [{ ref: JobRef; request: ClassicTemplateLaunch }];
    assert.deepEqual(ref, { projectId: 'p', location: 'europe-west4' });
    assert.equal(request.gcsPath, 'gs://b/templates/export');
    assert.match(request.launchParameter.jobName, /^export-[0-9a-f]{12}$/);
    assert.deepEqual(request.launchParameter.parameters, { day: '2024-05-01' });
    // launcherMachineType is a Flex field: the classic launch leaves it out.
    assert.deepEqual(request.launchParameter.environment, {
      tempLocation: 'gs://b/tmp',
      additionalUserLabels: {
        'dfchain-run': 'dfchain-validate',
        'dfchain-chain': 'nightly',
        'dfchain-state': 'export',
      },
    });
  });

  it('render shows templates.launch, gcsPath as the query parameter and the LaunchTemplateParameters body', () => {
    const code = renderCommand(
      {
        chain: join(dir, 'nightly.json'),
        dir,
        input: '{"date":"2024-05-01"}',
        state: 'Export',
        runId: undefined,
        json: false,
        env: {},
        now: '2024-05-01T06:00:00.000Z',
      },
      (l) => out.push(l),
      (l) => err.push(l),
    );
    assert.equal(code, 0, err.join('\n'));
    const text = out.join('\n');
    assert.match(text, /^ {2}resource {2}dataflow:template \(templates\.launch\)$/m);
    assert.match(text, /^ {2}gcsPath {3}gs:\/\/b\/templates\/export$/m);
    assert.match(text, /"jobName": "export-/);
    assert.doesNotMatch(text, /"kind"|launcherMachineType|"launchParameter"/);
  });
});
