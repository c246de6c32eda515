import { strict as assert } from 'node:assert';
import type { ChainDefinition } from '../../../src/chain/types.js';
import { pictureScope } from '../../../src/cli/status-graph.js';
import { statusCommand } from '../../../src/cli/status.js';
import type { Frame, Run, RunError, Step, StepStatus } from '../../../src/engine/run.js';
import { MemoryRunStore } from '../../../src/store/memory.js';
import { emptyRun } from '../../fixtures/runs.js';

const T1 = '2026-11-22T10:01:00.000Z';
const T2 = '2026-11-22T10:05:00.000Z';
const T3 = '2026-11-22T10:06:00.000Z';

function task(jobName: string, next: string | undefined): ChainDefinition['States'][string] {
  return {
    Type: 'Task',
    Resource: 'dataflow:flexTemplate',
    Parameters: { jobName, containerSpecGcsPath: `gs://b/${jobName}.json` },
    ...(next === undefined ? { End: true as const } : { Next: next }),
  };
}

/** Two Tasks, then a Choice to a Succeed or a Fail. */
const pipeline: ChainDefinition = {
  StartAt: 'Ingest',
  States: {
    Ingest: task('ingest', 'Load'),
    Load: task('load', 'Check'),
    Check: {
      Type: 'Choice',
      Choices: [{ Variable: '$.ok', BooleanEquals: true, Next: 'Done' }],
      Default: 'Broken',
    },
    Done: { Type: 'Succeed' },
    Broken: { Type: 'Fail', Error: 'Pipeline.Broken', Cause: 'bad data' },
  },
};

/** A Map of one Task per item, two at once. */
const split: ChainDefinition = {
  StartAt: 'Each',
  States: {
    Each: {
      Type: 'Map',
      MaxConcurrency: 2,
      ItemProcessor: { StartAt: 'Convert', States: { Convert: task('convert', undefined) } },
      End: true,
    },
  },
};

const JOB_FAILED: RunError = { Error: 'Dataflow.JobFailed', Cause: 'job j-load failed' };

function step(state: string, status: StepStatus, scope = '', error?: RunError): Step {
  const jobName = `${state.toLowerCase()}${scope === '' ? '' : `-${scope.replace(/\W/g, '')}`}`;
  const ended = status === 'SUCCEEDED' || status === 'FAILED';
  return {
    state,
    ...(scope === '' ? {} : { scope }),
    attempt: 0,
    jobName,
    projectId: 'p',
    location: 'europe-west4',
    request: { launchParameter: { jobName } },
    status,
    intendedAt: T1,
    ...(status === 'INTENDED' ? {} : { jobId: `j-${jobName}`, launchedAt: T1 }),
    ...(ended
      ? { endedAt: T2, jobState: status === 'SUCCEEDED' ? 'JOB_STATE_DONE' : 'JOB_STATE_FAILED' }
      : {}),
    ...(error ? { error } : {}),
  };
}

function frame(state: string, wait: Frame['wait'], extra: Partial<Frame> = {}): Frame {
  return { state, input: {}, enteredTime: T2, visit: 0, attempt: 0, wait, ...extra };
}

/** Stores the run (its ended steps in its history), its parts and its definition (hash h1). */
async function storeOf(
  definition: ChainDefinition,
  run: Run,
  history: readonly Step[],
  parts: readonly Run[] = [],
): Promise<MemoryRunStore> {
  const store = new MemoryRunStore();
  await store.putDefinition('h1', definition);
  await store.create({ ...run, steps: {} });
  await store.update(run.id, () => ({ run, archive: history, result: undefined }));
  for (const part of parts) await store.create(part);
  return store;
}

/** An item of the Map `Each` of run r1 in its own document. */
function item(index: number, status: Run['status'], steps: readonly Step[]): Run {
  const scope = `Each[${index}]`;
  const ended = steps.filter((s) => s.status === 'SUCCEEDED' || s.status === 'FAILED');
  const live = steps.filter((s) => !ended.includes(s));
  return {
    ...emptyRun(`r1.i${index}`),
    status,
    steps: Object.fromEntries(live.map((s) => [s.jobName, s])),
    ended,
    ...(status === 'RUNNING' ? { frames: { [scope]: frame('Convert', 'job') } } : {}),
    part: {
      root: 'r1',
      key: `i${index}`,
      scope,
      parent: '',
      parentDoc: 'r1',
      index,
      group: 'r1|Each@0',
      route: [{ state: 'Each', index }],
    },
  };
}

async function printed(
  store: MemoryRunStore,
  json = false,
): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await statusCommand(
    store,
    'r1',
    { json, graph: true, endpoint: { service: 'firestore' } },
    (l) => out.push(l),
    (l) => err.push(l),
  );
  return { code, out, err };
}

/** The Mermaid after the human view's blank line. */
function graphOf(out: readonly string[]): string {
  const text = out.join('\n');
  return text.slice(text.indexOf('\n\nflowchart TD\n') + 2);
}

/** The picture of `pipeline` before its classes: `Load` with `extra` lines. */
function pipelineLines(extra = ''): string[] {
  return [
    'flowchart TD',
    '  start(("start"))',
    '  s_Ingest["Ingest<br/>dataflow:flexTemplate"]',
    `  s_Load["Load<br/>dataflow:flexTemplate${extra}"]`,
    '  s_Check{"Check"}',
    '  s_Done(["Done<br/>Succeed"])',
    '  s_Broken((("Broken<br/>Fail: Pipeline.Broken")))',
    '  finish(("end"))',
    '  start --> s_Ingest',
    '  s_Ingest --> s_Load',
    '  s_Load --> s_Check',
    '  s_Check -->|"$.ok == true"| s_Done',
    '  s_Check -->|"default"| s_Broken',
    '  s_Done --> finish',
  ];
}

const SUCCEEDED = '  classDef succeeded fill:#d4edda,stroke:#28a745,color:#155724';
const FAILED = '  classDef failed fill:#f8d7da,stroke:#dc3545,color:#721c24';
const RUNNING = '  classDef running fill:#cce5ff,stroke:#0d6efd,stroke-width:3px,color:#084298';

describe('dfchain status --graph', () => {
  it('in progress: the human view, a blank line, then the Mermaid: the done Task green, the running one blue and marked now', async () => {
    const store = await storeOf(
      pipeline,
      {
        ...emptyRun(),
        steps: { load: step('Load', 'LAUNCHED') },
        frames: { '': frame('Load', 'job', { jobName: 'load' }) },
      },
      [step('Ingest', 'SUCCEEDED')],
    );
    const { code, out, err } = await printed(store);
    assert.deepEqual({ code, err }, { code: 0, err: [] });
    assert.match(out[0]!, /^run r1 {2}chain daily {2}RUNNING/);
    assert.equal(
      graphOf(out),
      [
        ...pipelineLines('<br/>now'),
        SUCCEEDED,
        RUNNING,
        '  class s_Ingest succeeded',
        '  class s_Load running',
      ].join('\n'),
    );
  });

  it("failed run: the failed Task red (its error is the run's), the Fail state not guessed", async () => {
    const store = await storeOf(
      pipeline,
      { ...emptyRun(), status: 'FAILED', endTime: T3, error: JOB_FAILED },
      [step('Ingest', 'SUCCEEDED'), step('Load', 'FAILED', '', JOB_FAILED)],
    );
    const { code, out, err } = await printed(store, true);
    assert.deepEqual({ code, err }, { code: 2, err: [] });
    const json = JSON.parse(out[0]!) as { status: string; steps: unknown[]; graph: string };
    assert.equal(json.status, 'FAILED');
    assert.equal(json.steps.length, 2);
    assert.equal(
      json.graph,
      [
        ...pipelineLines(),
        SUCCEEDED,
        FAILED,
        '  class s_Ingest succeeded',
        '  class s_Load failed',
      ].join('\n'),
    );
  });

  it('failed run at its Fail state: that state red (the one whose Error and Cause the run has)', async () => {
    const store = await storeOf(
      pipeline,
      {
        ...emptyRun(),
        status: 'FAILED',
        endTime: T3,
        error: { Error: 'Pipeline.Broken', Cause: 'bad data' },
      },
      [step('Ingest', 'SUCCEEDED'), step('Load', 'SUCCEEDED')],
    );
    const { out } = await printed(store, true);
    const { graph } = JSON.parse(out[0]!) as { graph: string };
    assert.deepEqual(graph.split('\n').slice(-2), [
      '  class s_Ingest,s_Load succeeded',
      '  class s_Broken failed',
    ]);
  });

  it('succeeded run: a lone Succeed state and the end green', async () => {
    const store = await storeOf(
      pipeline,
      { ...emptyRun(), status: 'SUCCEEDED', endTime: T3, output: {} },
      [step('Ingest', 'SUCCEEDED'), step('Load', 'SUCCEEDED')],
    );
    const { out } = await printed(store, true);
    const { graph } = JSON.parse(out[0]!) as { graph: string };
    assert.deepEqual(graph.split('\n').slice(-2), [
      SUCCEEDED,
      '  class s_Ingest,s_Load,s_Done,finish succeeded',
    ]);
  });

  it("a Map with mixed items: its scope's title counts the parts, the item state shows the most urgent class and how many items are in it", async () => {
    const store = await storeOf(
      split,
      {
        ...emptyRun(),
        frames: {
          '': frame('Each', 'children', {
            children: { total: 4, started: 4, running: 2, failed: 1, outputs: {}, parts: true },
          }),
        },
      },
      [],
      [
        item(0, 'SUCCEEDED', [step('Convert', 'SUCCEEDED', 'Each[0]')]),
        item(1, 'FAILED', [step('Convert', 'FAILED', 'Each[1]', JOB_FAILED)]),
        item(2, 'RUNNING', [step('Convert', 'LAUNCHED', 'Each[2]')]),
        item(3, 'RUNNING', [step('Convert', 'INTENDED', 'Each[3]')]),
      ],
    );
    const { code, out, err } = await printed(store);
    assert.deepEqual({ code, err }, { code: 0, err: [] });
    assert.equal(
      graphOf(out),
      [
        'flowchart TD',
        '  start(("start"))',
        '  s_Each[["Each<br/>Map<br/>now"]]',
        '  s_Each_j_(("Each done"))',
        '  finish(("end"))',
        '  subgraph c_Each_z_items ["Each#91;*#93;, MaxConcurrency 2 · 1✓ 1✗ 2…"]',
        '    s_Each_z_items_z_Convert["Convert<br/>dataflow:flexTemplate<br/>now ×2"]',
        '  end',
        '  start --> s_Each',
        '  s_Each --> s_Each_z_items_z_Convert',
        '  s_Each_z_items_z_Convert --> s_Each_j_',
        '  s_Each_j_ --> finish',
        RUNNING,
        '  class s_Each,s_Each_z_items_z_Convert running',
      ].join('\n'),
    );
  });

  it('a Map no scope is in any more: coloured by how its items ended (all succeeded: green; one failed: red)', async () => {
    const ended = (second: Run['status']) =>
      storeOf(
        split,
        { ...emptyRun(), status: 'SUCCEEDED', endTime: T2 },
        [],
        [
          item(0, 'SUCCEEDED', [step('Convert', 'SUCCEEDED', 'Each[0]')]),
          item(1, second, [
            step('Convert', second === 'FAILED' ? 'FAILED' : 'SUCCEEDED', 'Each[1]'),
          ]),
        ],
      );
    const classLine = (graph: string) =>
      graph.split('\n').filter((line) => line.startsWith('  class '));
    assert.deepEqual(classLine(graphOf((await printed(await ended('SUCCEEDED'))).out)), [
      '  class s_Each,finish,s_Each_z_items_z_Convert succeeded',
    ]);
    const failed = graphOf((await printed(await ended('FAILED'))).out);
    assert.ok(failed.includes('  class s_Each,s_Each_z_items_z_Convert failed'), failed);
  });

  it('without the definition in the store: the view, and exit 1 with a line on stderr', async () => {
    const store = new MemoryRunStore();
    await store.create(emptyRun());
    const { code, out, err } = await printed(store, true);
    assert.equal(code, 1);
    assert.equal((JSON.parse(out[0]!) as { graph?: string }).graph, undefined);
    assert.deepEqual(err, [
      "dfchain status: no graph: the run's definition (hash h1) is not in the store",
    ]);
  });

  it('maps scope paths of the run to the picture: branches by index, items of any visit or retry to the item processor', () => {
    const fan: ChainDefinition = {
      StartAt: 'Fan',
      States: {
        Fan: {
          Type: 'Parallel',
          Branches: [{ StartAt: 'A', States: { A: task('a', undefined) } }, split],
          End: true,
        },
      },
    };
    assert.deepEqual(pictureScope(fan, ''), []);
    assert.deepEqual(pictureScope(fan, 'Fan[0]'), ['Fan', '0']);
    assert.deepEqual(pictureScope(fan, 'Fan#2@1[1]/Each@3[7]'), ['Fan', '1', 'Each', 'items']);
    assert.equal(pictureScope(fan, 'Fan[2]'), undefined);
    assert.equal(pictureScope(fan, 'Nope[0]'), undefined);
    assert.equal(pictureScope(fan, 'Fan[0]/A[0]'), undefined);
  });
});
