import { strict as assert } from 'node:assert';
import type { ChainDefinition } from '../../../src/chain/types.js';
import { resolveTasks, type TaskResolution } from '../../../src/cli/task-inputs.js';
import type { JsonObject } from '../../../src/json.js';

const NOW = '2024-01-31T06:00:00.000Z';

function task(parameters: JsonObject, extra: JsonObject = {}): JsonObject {
  return {
    Type: 'Task',
    Resource: 'dataflow:flexTemplate',
    Parameters: { jobName: 'j', containerSpecGcsPath: 'gs://b/t.json', ...parameters },
    End: true,
    ...extra,
  };
}

function resolve(states: JsonObject, input: JsonObject, defaults?: JsonObject): TaskResolution[] {
  const definition = {
    StartAt: Object.keys(states)[0],
    Defaults: { Region: 'europe-west4', ...defaults },
    States: states,
  } as unknown as ChainDefinition;
  return resolveTasks({ chain: 'daily', definition, input, projectId: 'p', now: NOW });
}

/** The places and what each resolved to (its parameters) or why not. */
function summary(found: TaskResolution[]): [string, unknown][] {
  return found.map((f) => [f.place, f.kind === 'resolved' ? f.parameters : f.message]);
}

describe('resolveTasks', () => {
  it('resolves each Task with the input as its state input, $$ and intrinsics included', () => {
    const found = resolve(
      {
        Ingest: task(
          {
            parameters: {
              'date.$': '$.date',
              'first.$': '$$.Execution.Input.date',
              'out.$': "States.Format('gs://b/{}/raw', $.date)",
            },
          },
          { Region: 'us-central1', Next: 'Load', End: undefined as never },
        ),
        Load: task({ parameters: { fixed: 'x' } }),
      },
      { date: '2024-01-31' },
    );
    assert.deepEqual(summary(found), [
      [
        'States.Ingest',
        {
          jobName: 'j',
          containerSpecGcsPath: 'gs://b/t.json',
          parameters: { date: '2024-01-31', first: '2024-01-31', out: 'gs://b/2024-01-31/raw' },
        },
      ],
      [
        'States.Load',
        { jobName: 'j', containerSpecGcsPath: 'gs://b/t.json', parameters: { fixed: 'x' } },
      ],
    ]);
    assert.deepEqual(
      found.map((f) => (f.kind === 'resolved' ? f.ref : undefined)),
      [
        { projectId: 'p', location: 'us-central1' },
        { projectId: 'p', location: 'europe-west4' },
      ],
    );
  });

  it('applies InputPath first, and reports what reads an earlier result as not resolvable, each place', () => {
    const found = resolve(
      {
        Load: task(
          { parameters: { 'table.$': '$.ingest.table', 'day.$': '$.day', 'size.$': '$.size' } },
          { InputPath: '$.job' },
        ),
        Bad: task({}, { InputPath: '$.missing' }),
      },
      { job: { day: 'mon' } },
    );
    assert.equal(found.length, 3);
    assert.deepEqual(
      found.map((f) => f.place),
      [
        'States.Load.Parameters.parameters.table.$',
        'States.Load.Parameters.parameters.size.$',
        'States.Bad.InputPath',
      ],
    );
    for (const f of found) {
      assert.equal(f.kind, 'unresolved');
      assert.match(
        f.message,
        /^cannot resolve without running: \$\.(ingest\.table|size|missing) \(.+\)$/,
      );
    }
  });

  it('resolves Tasks in Parallel branches with the Parallel input after its Parameters', () => {
    const found = resolve(
      {
        Fan: {
          Type: 'Parallel',
          Parameters: { 'day.$': '$.date' },
          Branches: [
            { StartAt: 'A', States: { A: task({ parameters: { 'd.$': '$.day' } }) } },
            { StartAt: 'B', States: { B: task({ parameters: { 'd.$': '$.date' } }) } },
          ],
          End: true,
        },
      },
      { date: '2024-01-31' },
    );
    assert.deepEqual(
      found.map((f) => [f.place, f.kind === 'resolved' ? f.parameters['parameters'] : f.message]),
      [
        ['States.Fan.Branches[0].States.A', { d: '2024-01-31' }],
        [
          'States.Fan.Branches[1].States.B.Parameters.parameters.d.$',
          'cannot resolve without running: $.date (path "$.date" not found in the state input (the state input has no "date"))',
        ],
      ],
    );
  });

  it('resolves a Map item processor with the first item, after ItemsPath and ItemSelector ($$.Map.Item)', () => {
    const map = (extra: JsonObject): JsonObject => ({
      Type: 'Map',
      ItemsPath: '$.files',
      ItemProcessor: {
        ProcessorConfig: { Mode: 'INLINE' },
        StartAt: 'Load',
        States: { Load: task({ parameters: { 'file.$': '$.file' } }) },
      },
      End: true,
      ...extra,
    });
    const selector = { ItemSelector: { 'file.$': '$$.Map.Item.Value', 'day.$': '$.date' } };
    assert.deepEqual(
      summary(resolve({ Each: map(selector) }, { files: ['a.csv', 'b.csv'], date: 'd' })),
      [
        [
          'States.Each.ItemProcessor.States.Load',
          { jobName: 'j', containerSpecGcsPath: 'gs://b/t.json', parameters: { file: 'a.csv' } },
        ],
      ],
    );
    assert.deepEqual(summary(resolve({ Each: map({}) }, { files: [{ file: 'x' }] })), [
      [
        'States.Each.ItemProcessor.States.Load',
        { jobName: 'j', containerSpecGcsPath: 'gs://b/t.json', parameters: { file: 'x' } },
      ],
    ]);
    assert.deepEqual(summary(resolve({ Each: map({}) }, { files: [] })), [
      [
        'States.Each.ItemProcessor.States.Load',
        'cannot resolve without running: $.files (the items of States.Each: the input gives no items there; pass an --input with at least one item)',
      ],
    ]);
    const missing = summary(resolve({ Each: map({}) }, {}));
    assert.equal(missing[0]?.[0], 'States.Each.ItemProcessor.States.Load');
    assert.match(
      String(missing[0]?.[1]),
      /^cannot resolve without running: \$\.files \(the items of States\.Each: /,
    );
    assert.deepEqual(
      summary(resolve({ Each: map({ ItemReader: { Resource: 'gcs:listObjects' } }) }, {})),
      [
        [
          'States.Each.ItemProcessor.States.Load',
          'cannot resolve without running: States.Each.ItemReader (the Map reads its items when it runs)',
        ],
      ],
    );
  });
});
