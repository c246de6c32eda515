import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChainDefinition } from '../../../src/chain/types.js';
import {
  renderCommand,
  renderTasks,
  taskTitle,
  type RenderCommandOptions,
} from '../../../src/cli/render.js';
import { partKey } from '../../../src/engine/part-names.js';
import { launchOf } from '../launch-of.js';

// Relative to the working folder, as a user types it: the file appears in the output.
const FAN = relative(
  process.cwd(),
  fileURLToPath(new URL('../../fixtures/render/fan.json', import.meta.url)),
);
const INPUT = '{"date":"2026-11-21","files":[{"name":"a.csv"},{"name":"b.csv"}]}';
const NOW = '2026-11-21T06:00:00.000Z';

/** What one run of the command printed and returned. */
interface Printed {
  readonly code: number;
  readonly out: string[];
  readonly err: string[];
}

function render(options: Partial<RenderCommandOptions>): Printed {
  const out: string[] = [];
  const err: string[] = [];
  const code = renderCommand(
    {
      chain: FAN,
      dir: 'dag',
      input: INPUT,
      state: undefined,
      runId: undefined,
      json: false,
      env: {},
      now: NOW,
      ...options,
    },
    (l) => out.push(l),
    (l) => err.push(l),
  );
  return { code, out, err };
}

const WHY = 'path "$.ingest.jobId" not found in the state input (the state input has no "ingest")';
const SOLO_PLACE = 'States.Fan.Branches[0].States.Solo.Parameters.parameters.after.$';

describe('renderTasks', () => {
  const definition = (states: object, defaults: object = {}) =>
    ({
      StartAt: Object.keys(states)[0],
      Defaults: { Region: 'europe-west4', ...defaults },
      States: states,
    }) as unknown as ChainDefinition;
  const task = (jobName: string, parameters: object, extra: object = {}) => ({
    Type: 'Task',
    Resource: 'dataflow:flexTemplate',
    Parameters: { jobName, containerSpecGcsPath: 'gs://b/t.json', parameters },
    End: true,
    ...extra,
  });

  it('names the job, labels it and builds the request with the engine code, part keys as the engine derives them', () => {
    const tasks = renderTasks({
      chain: 'daily',
      definition: definition(
        {
          Fan: {
            Type: 'Parallel',
            Branches: [
              { StartAt: 'Solo', States: { Solo: task('solo', { 'id.$': '$$.Execution.Id' }) } },
              {
                StartAt: 'Each',
                States: {
                  Each: {
                    Type: 'Map',
                    ItemsPath: '$.files',
                    ItemProcessor: {
                      StartAt: 'Load',
                      States: { Load: task('load', { 'file.$': '$' }) },
                    },
                    End: true,
                  },
                },
              },
            ],
            End: true,
          },
        },
        { Environment: { tempLocation: 'gs://b/tmp' } },
      ),
      input: { files: ['a.csv', 'b.csv'] },
      projectId: 'acme',
      runId: 'nightly-7',
      workerServiceAccount: 'worker@acme.iam.gserviceaccount.com',
      now: NOW,
    });
    assert.deepEqual(
      tasks.map((t) => [taskTitle(t), t.place, t.labels['dfchain-part']]),
      [
        ['Fan[0]/Solo', 'States.Fan.Branches[0].States.Solo', partKey('Fan[0]')],
        [
          'Fan[1]/Each[*]/Load',
          'States.Fan.Branches[1].States.Each.ItemProcessor.States.Load',
          partKey('Fan[1]/Each[0]'),
        ],
      ],
    );
    assert.deepEqual(tasks[0]?.request, {
      launchParameter: {
        containerSpecGcsPath: 'gs://b/t.json',
        jobName: 'solo-<12 hex>',
        parameters: { id: 'nightly-7' },
        environment: {
          serviceAccountEmail: 'worker@acme.iam.gserviceaccount.com',
          tempLocation: 'gs://b/tmp',
          additionalUserLabels: {
            'dfchain-run': 'nightly-7',
            'dfchain-chain': 'daily',
            'dfchain-state': 'solo',
            'dfchain-part': partKey('Fan[0]'),
          },
        },
      },
    });
    assert.deepEqual(launchOf(tasks[1]?.request)?.parameters, { file: 'a.csv' });
    assert.deepEqual(
      tasks.map((t) => [t.projectId, t.location, t.jobNamePrefix, t.resource, t.method]),
      [
        ['acme', 'europe-west4', 'solo', 'dataflow:flexTemplate', 'flexTemplates.launch'],
        ['acme', 'europe-west4', 'load', 'dataflow:flexTemplate', 'flexTemplates.launch'],
      ],
    );
  });

  it('marks what an unknown scope input hides, and resolves what reads only $$', () => {
    const [load] = renderTasks({
      chain: 'daily',
      definition: definition({
        Each: {
          Type: 'Map',
          ItemReader: { Resource: 'arn:aws:states:::s3:listObjectsV2', Parameters: {} },
          ItemProcessor: {
            StartAt: 'Load',
            States: {
              Load: task('load', { 'file.$': '$.key', 'day.$': '$$.Execution.Input.date' }),
            },
          },
          End: true,
        },
      }),
      input: { date: '2026-11-21' },
      projectId: 'acme',
      runId: 'r',
      now: NOW,
    });
    assert.deepEqual(launchOf(load?.request)?.parameters, {
      file: '<unresolved: States.Each.ItemReader (the Map reads its items when it runs)>',
      day: '2026-11-21',
    });
    assert.deepEqual(load?.unresolved, [
      {
        path: 'States.Each.ItemProcessor.States.Load',
        message:
          'cannot resolve without running: States.Each.ItemReader (the Map reads its items when it runs)',
      },
    ]);
  });
});

describe('renderCommand', () => {
  it('prints each Task in chain order, resolved, with an unresolved marker and its note', () => {
    const { code, out, err } = render({ env: { GOOGLE_CLOUD_PROJECT: 'acme' } });
    assert.equal(code, 0);
    const titles = out.filter((l) => l !== '' && !l.startsWith(' '));
    assert.deepEqual(titles, ['Ingest', 'Fan[0]/Solo', 'Fan[1]/Each[*]/Load']);
    assert.deepEqual(err, [
      `rendered 3 Tasks of fan (${FAN}), the input taken as every state's input (a Map's first item); nothing launched; 1 place cannot be resolved without running`,
    ]);
  });

  it('--state renders one Task, exactly (project placeholder, run id placeholder, marker, note)', () => {
    const { code, out, err } = render({ state: 'Solo' });
    assert.equal(code, 0);
    const part = partKey('Fan[0]');
    assert.deepEqual(out, [
      'Fan[0]/Solo',
      '  resource  dataflow:flexTemplate (flexTemplates.launch)',
      '  project   <project> (GOOGLE_CLOUD_PROJECT is not set)',
      '  region    us-central1',
      "  job name  solo-<12 hex> (the suffix derives from the run's random nonce: new for each run and each attempt)",
      `  labels    dfchain-run=<run-id> dfchain-chain=fan dfchain-state=solo dfchain-part=${part} (pass --run-id to name the run)`,
      '  request',
      '    {',
      '      "launchParameter": {',
      '        "containerSpecGcsPath": "gs://fixtures/templates/solo.json",',
      '        "jobName": "solo-<12 hex>",',
      '        "parameters": {',
      `          "after": ${JSON.stringify(`<unresolved: $.ingest.jobId (${WHY})>`)},`,
      '          "day": "2026-11-21"',
      '        },',
      '        "environment": {',
      '          "tempLocation": "gs://fixtures/tmp",',
      '          "additionalUserLabels": {',
      '            "dfchain-run": "<run-id>",',
      '            "dfchain-chain": "fan",',
      '            "dfchain-state": "solo",',
      `            "dfchain-part": "${part}"`,
      '          }',
      '        }',
      '      }',
      '    }',
      '  unresolved (known only when the run gets there)',
      `    ${FAN}: ${SOLO_PLACE}: cannot resolve without running: $.ingest.jobId (${WHY})`,
    ]);
    assert.deepEqual(err, [
      `rendered 1 Task of fan (${FAN}), the input taken as every state's input (a Map's first item); nothing launched; 1 place cannot be resolved without running`,
    ]);
  });

  it("--state takes a scoped title; a Map Task says its part key is the first item's", () => {
    const { code, out } = render({ state: 'Fan[1]/Each[*]/Load', runId: 'nightly-1' });
    assert.equal(code, 0);
    assert.deepEqual(out.slice(0, 6), [
      'Fan[1]/Each[*]/Load',
      '  resource  dataflow:flexTemplate (flexTemplates.launch)',
      '  project   <project> (GOOGLE_CLOUD_PROJECT is not set)',
      '  region    europe-west4',
      "  job name  load-<12 hex> (the suffix derives from the run's random nonce: new for each run and each attempt)",
      `  labels    dfchain-run=nightly-1 dfchain-chain=fan dfchain-state=load dfchain-part=${partKey('Fan[1]/Each[0]')} (dfchain-part is the first item's, each item has its own)`,
    ]);
  });

  it('--json prints one array of {state, scope?, resource, projectId, location, jobNamePrefix, labels, request, unresolved}', () => {
    const { code, out, err } = render({ json: true, state: 'Solo', runId: 'nightly-1' });
    assert.equal(code, 0);
    assert.deepEqual(err, []);
    assert.equal(out.length, 1);
    const labels = {
      'dfchain-run': 'nightly-1',
      'dfchain-chain': 'fan',
      'dfchain-state': 'solo',
      'dfchain-part': partKey('Fan[0]'),
    };
    assert.deepEqual(JSON.parse(out[0] ?? ''), [
      {
        state: 'Solo',
        scope: 'Fan[0]',
        resource: 'dataflow:flexTemplate',
        projectId: '<project>',
        location: 'us-central1',
        jobNamePrefix: 'solo',
        labels,
        request: {
          launchParameter: {
            containerSpecGcsPath: 'gs://fixtures/templates/solo.json',
            jobName: 'solo-<12 hex>',
            parameters: { after: `<unresolved: $.ingest.jobId (${WHY})>`, day: '2026-11-21' },
            environment: { tempLocation: 'gs://fixtures/tmp', additionalUserLabels: labels },
          },
        },
        unresolved: [
          {
            file: FAN,
            path: SOLO_PLACE,
            message: `cannot resolve without running: $.ingest.jobId (${WHY})`,
          },
        ],
      },
    ]);
  });

  it('--json without --state: every Task, scope only where there is one', () => {
    const { out } = render({ json: true });
    const tasks = JSON.parse(out[0] ?? '') as { state: string; scope?: string }[];
    assert.deepEqual(
      tasks.map((t) => [t.state, t.scope]),
      [
        ['Ingest', undefined],
        ['Solo', 'Fan[0]'],
        ['Load', 'Fan[1]/Each[*]'],
      ],
    );
    assert.equal(Object.hasOwn(tasks[0] ?? {}, 'scope'), false);
  });

  describe('refusals: one line on stderr, exit 1, nothing on stdout', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'dfchain-render-'));
      writeFileSync(
        join(dir, 'daily.json'),
        '{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}',
      );
      writeFileSync(
        join(dir, 'weekly.json'),
        '{"StartAt": "A", "States": {"A": {"Type": "Pass"}}}',
      );
      writeFileSync(join(dir, 'schema.json'), '{}');
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    const refused = (options: Partial<RenderCommandOptions>, lines: string[]) => {
      const { code, out, err } = render(options);
      assert.deepEqual({ code, out, err }, { code: 1, out: [], err: lines });
    };

    it('an unknown chain names the folder and its chains, with a guess', () => {
      refused({ chain: 'dayly', dir }, [
        `no chain "dayly" in ${dir} (did you mean "daily"?); its chains: daily, weekly`,
      ]);
      refused({ chain: 'monthly', dir }, [
        `no chain "monthly" in ${dir}; its chains: daily, weekly`,
      ]);
    });

    it('an invalid chain: its problems, then what to do', () => {
      const file = join(dir, 'weekly.json');
      refused({ chain: 'weekly', dir }, [
        `${file}: States.A: needs "Next" (the state to run after it) or "End": true`,
        `${file}: invalid chain; fix the problems above, then render it`,
      ]);
    });

    it('a missing chain file, a missing folder', () => {
      refused({ chain: join(dir, 'nope.json') }, [
        `no chain file "${join(dir, 'nope.json')}" (${join(dir, 'nope.json')}); check the path`,
      ]);
      const missing = join(dir, 'missing');
      refused({ chain: 'daily', dir: missing }, [
        `no chain "daily": the chains folder "${missing}" (${missing}) cannot be read; pass --chains-dir DIR or set DFCHAIN_CHAINS_DIR`,
      ]);
    });

    it('an unknown --state lists the Task states; a state that is no Task says so', () => {
      const known = 'its Task states: Ingest, Fan[0]/Solo, Fan[1]/Each[*]/Load';
      refused({ state: 'Sollo' }, [
        `--state Sollo: no such Task state (did you mean "Solo"?); ${known}`,
      ]);
      refused({ state: 'Each' }, [`--state Each: not a Task state; ${known}`]);
    });

    it('a bad --input, no CHAIN', () => {
      refused({ input: '[1]' }, [
        '--input must be a JSON object, the input a run starts with, got [1]',
      ]);
      refused({ chain: undefined }, [
        'render needs a chain: dfchain render CHAIN [--input JSON|@FILE] [--state S]',
      ]);
    });
  });
});
