import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chainTemplates } from '../../../../src/local/simulator/templates.js';
import type { Harness } from './helpers.js';
import { LOCATION, PROJECT, harness, rejection } from './helpers.js';

const KNOWN = 'gs://b/known.json';

/** Google's error body of a refused call. */
async function refusal(call: Promise<unknown>): Promise<unknown> {
  const error = await rejection(call);
  assert.equal(error.status, 400);
  return error.response?.data;
}

describe('simulator: validateOnly checks the template file exists', () => {
  let h: Harness;

  afterEach(async () => {
    await h.sim.stop();
  });

  const dryRun = (containerSpecGcsPath: string, parameters: Record<string, unknown> = {}) =>
    h.df.projects.locations.flexTemplates.launch(
      {
        projectId: PROJECT,
        location: LOCATION,
        requestBody: {
          launchParameter: {
            jobName: 'dry',
            containerSpecGcsPath,
            parameters: parameters as Record<string, string>,
          },
          validateOnly: true,
        },
      },
      { retry: false },
    );

  it('accepts a known template with {} (no job: "if the request was not a dry run") and creates no job', async () => {
    h = await harness({ templates: [KNOWN] });
    const res = await dryRun(KNOWN, { date: '2024-01-31' });
    assert.equal(res.status, 200);
    assert.deepEqual(res.data, {});
    assert.deepEqual(h.sim.jobs(), []);
  });

  it('refuses an unknown template with 400 INVALID_ARGUMENT "Invalid template file …", naming the known ones', async () => {
    h = await harness({ templates: [KNOWN] });
    assert.deepEqual(await refusal(dryRun('gs://b/other.json')), {
      error: {
        code: 400,
        status: 'INVALID_ARGUMENT',
        message:
          'Invalid template file gs://b/other.json: no such object. (Simulator: the templates it knows are gs://b/known.json.)',
      },
    });
    assert.deepEqual(h.sim.jobs(), []);
  });

  it('refuses a parameter that is not a string, as Google refuses a map<string, string> value', async () => {
    h = await harness({ templates: [KNOWN] });
    assert.deepEqual(await refusal(dryRun(KNOWN, { workers: 5 })), {
      error: {
        code: 400,
        status: 'INVALID_ARGUMENT',
        message: "Invalid value at 'launch_parameter.parameters[workers]' (TYPE_STRING), 5",
      },
    });
  });

  it('knows every path when no templates are given, and real launches are never checked', async () => {
    h = await harness();
    assert.deepEqual((await dryRun('gs://any/thing.json')).data, {});
    h.sim.configure({ templates: [] });
    const job = await h.launch('real');
    assert.equal(job.name, 'real');
  });
});

describe('chainTemplates', () => {
  let dir: string;
  const task = (path: Record<string, string>) => ({
    Type: 'Task',
    Resource: 'dataflow:flexTemplate',
    Region: 'europe-west4',
    Parameters: { jobName: `j${Object.values(path)[0]!.length}`, ...path },
    End: true,
  });
  const write = (name: string, states: Record<string, unknown>) =>
    writeFileSync(
      join(dir, `${name}.json`),
      JSON.stringify({ StartAt: Object.keys(states)[0], States: states }),
    );

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dfchain-templates-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lists every fixed template path of the chains, sorted and once', () => {
    write('a', { A: task({ containerSpecGcsPath: 'gs://b/z.json' }) });
    write('b', { B: task({ containerSpecGcsPath: 'gs://b/a.json' }) });
    assert.deepEqual(chainTemplates(dir), ['gs://b/a.json', 'gs://b/z.json']);
  });

  it("lists a classic Task's gcsPath too", () => {
    write('a', { A: task({ containerSpecGcsPath: 'gs://b/z.json' }) });
    write('c', {
      C: { ...task({ gcsPath: 'gs://b/templates/export' }), Resource: 'dataflow:template' },
    });
    assert.deepEqual(chainTemplates(dir), ['gs://b/templates/export', 'gs://b/z.json']);
  });

  it('is undefined (every path known) when a Task computes its path or the folder does not load', () => {
    write('a', { A: task({ 'containerSpecGcsPath.$': '$.template' }) });
    assert.equal(chainTemplates(dir), undefined);
    assert.equal(chainTemplates(join(dir, 'missing')), undefined);
  });
});
