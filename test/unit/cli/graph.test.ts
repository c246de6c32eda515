import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chainPicture } from '../../../src/chain/picture.js';
import { mermaidPicture, dotPicture } from '../../../src/chain/picture-text.js';
import type { ChainDefinition } from '../../../src/chain/types.js';
import { graphCommand, type GraphCommandOptions } from '../../../src/cli/graph.js';

const SMALL = 'test/fixtures/graph/small.json';

/** What one run of the command printed and returned. */
function graph(options: Partial<GraphCommandOptions>) {
  const out: string[] = [];
  const err: string[] = [];
  const code = graphCommand(
    { chain: SMALL, dir: 'dag', format: undefined, ...options },
    (l) => out.push(l),
    (l) => err.push(l),
  );
  return { code, out, err };
}

describe('dfchain graph', () => {
  it("names a Map's ItemReader on its node", () => {
    const definition: ChainDefinition = {
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          ItemReader: { Resource: 'gcs:listObjects', Parameters: { bucket: 'drops' } },
          ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
          End: true,
        },
      },
    };
    assert.ok(
      mermaidPicture(chainPicture(definition)).includes(
        '  s_Each[["Each<br/>Map over gcs:listObjects"]]',
      ),
    );
  });

  it('draws Task, Choice (rule and default), Catch, Retry, Parallel and Map in Mermaid', () => {
    const printed = graph({});
    assert.equal(printed.code, 0);
    assert.deepEqual(printed.err, []);
    assert.equal(
      printed.out.join('\n'),
      [
        'flowchart TD',
        '  start(("start"))',
        '  s_Pick{"Pick"}',
        '  s_Load["Load<br/>dataflow:flexTemplate<br/>retry ×2 on Dataflow.JobFailed"]',
        '  s_Fan[["Fan<br/>Parallel"]]',
        '  s_Fan_j_(("Fan done"))',
        '  s_Done(["Done<br/>Succeed"])',
        '  s_Broken((("Broken<br/>Fail: Load.Broken")))',
        '  finish(("end"))',
        '  subgraph c_Fan_z_0 ["Fan#91;0#93;"]',
        '    s_Fan_z_0_z_A["A<br/>dataflow:flexTemplate"]',
        '  end',
        '  subgraph c_Fan_z_1 ["Fan#91;1#93;"]',
        '    s_Fan_z_1_z_Each[["Each<br/>Map"]]',
        '    s_Fan_z_1_z_Each_j_(("Each done"))',
        '    subgraph c_Fan_z_1_z_Each_z_items ["Each#91;*#93;, MaxConcurrency 3"]',
        '      s_Fan_z_1_z_Each_z_items_z_B["B<br/>dataflow:flexTemplate"]',
        '    end',
        '  end',
        '  start --> s_Pick',
        '  s_Pick -->|"$.mode == #quot;full#quot;"| s_Load',
        '  s_Pick -->|"default"| s_Fan',
        '  s_Load --> s_Fan',
        '  s_Load -.->|"States.ALL"| s_Broken',
        '  s_Fan --> s_Fan_z_0_z_A',
        '  s_Fan_z_0_z_A --> s_Fan_j_',
        '  s_Fan --> s_Fan_z_1_z_Each',
        '  s_Fan_z_1_z_Each --> s_Fan_z_1_z_Each_z_items_z_B',
        '  s_Fan_z_1_z_Each_z_items_z_B --> s_Fan_z_1_z_Each_j_',
        '  s_Fan_z_1_z_Each_j_ --> s_Fan_j_',
        '  s_Fan_j_ --> s_Done',
        '  s_Done --> finish',
      ].join('\n'),
    );
  });

  it('draws the same chain in DOT, each scope a cluster_ subgraph', () => {
    const printed = graph({ format: 'dot' });
    assert.equal(printed.code, 0);
    assert.equal(
      printed.out.join('\n'),
      [
        'digraph "small" {',
        '  start [label="start", shape=circle];',
        '  s_Pick [label="Pick", shape=diamond];',
        '  s_Load [label="Load\\ndataflow:flexTemplate\\nretry ×2 on Dataflow.JobFailed", shape=box];',
        '  s_Fan [label="Fan\\nParallel", shape=box, peripheries=2];',
        '  s_Fan_j_ [label="Fan done", shape=circle];',
        '  s_Done [label="Done\\nSucceed", shape=oval];',
        '  s_Broken [label="Broken\\nFail: Load.Broken", shape=doublecircle];',
        '  finish [label="end", shape=circle];',
        '  subgraph cluster_c_Fan_z_0 {',
        '    label="Fan[0]";',
        '    s_Fan_z_0_z_A [label="A\\ndataflow:flexTemplate", shape=box];',
        '  }',
        '  subgraph cluster_c_Fan_z_1 {',
        '    label="Fan[1]";',
        '    s_Fan_z_1_z_Each [label="Each\\nMap", shape=box, peripheries=2];',
        '    s_Fan_z_1_z_Each_j_ [label="Each done", shape=circle];',
        '    subgraph cluster_c_Fan_z_1_z_Each_z_items {',
        '      label="Each[*], MaxConcurrency 3";',
        '      s_Fan_z_1_z_Each_z_items_z_B [label="B\\ndataflow:flexTemplate", shape=box];',
        '    }',
        '  }',
        '  start -> s_Pick;',
        '  s_Pick -> s_Load [label="$.mode == \\"full\\""];',
        '  s_Pick -> s_Fan [label="default"];',
        '  s_Load -> s_Fan;',
        '  s_Load -> s_Broken [label="States.ALL", style=dashed];',
        '  s_Fan -> s_Fan_z_0_z_A;',
        '  s_Fan_z_0_z_A -> s_Fan_j_;',
        '  s_Fan -> s_Fan_z_1_z_Each;',
        '  s_Fan_z_1_z_Each -> s_Fan_z_1_z_Each_z_items_z_B;',
        '  s_Fan_z_1_z_Each_z_items_z_B -> s_Fan_z_1_z_Each_j_;',
        '  s_Fan_z_1_z_Each_j_ -> s_Fan_j_;',
        '  s_Fan_j_ -> s_Done;',
        '  s_Done -> finish;',
        '}',
      ].join('\n'),
    );
  });

  it('escapes odd state names into safe ids and labels, keeping ids distinct', () => {
    const task = (next: object) => ({
      Type: 'Task',
      Resource: 'dataflow:flexTemplate',
      Parameters: { jobName: 'j' },
      ...next,
    });
    const definition = {
      StartAt: 'say "hi" [now] <b>|#',
      States: {
        'say "hi" [now] <b>|#': task({ Next: 'a b' }),
        'a b': task({ Next: 'a_b' }),
        a_b: task({ Next: 'end' }),
        end: task({ End: true }),
      },
    } as unknown as ChainDefinition;
    const picture = chainPicture(definition);
    assert.deepEqual(
      picture.nodes.map((n) => n.id),
      [
        'start',
        's_say_20__22_hi_22__20__5b_now_5d__20__3c_b_3e__7c__23_',
        's_a_20_b',
        's_a_5f_b',
        's_end',
        'finish',
      ],
    );
    const mermaid = mermaidPicture(picture).split('\n');
    assert.equal(
      mermaid[2],
      '  s_say_20__22_hi_22__20__5b_now_5d__20__3c_b_3e__7c__23_["say #quot;hi#quot; #91;now#93; #60;b#62;#124;#35;<br/>dataflow:flexTemplate"]',
    );
    const dot = dotPicture(picture, 'odd "one"').split('\n');
    assert.equal(dot[0], 'digraph "odd \\"one\\"" {');
    assert.equal(
      dot[2],
      '  s_say_20__22_hi_22__20__5b_now_5d__20__3c_b_3e__7c__23_ [label="say \\"hi\\" [now] <b>|#\\ndataflow:flexTemplate", shape=box];',
    );
  });

  it('refuses an unknown chain in one line with a did-you-mean, exit 1', () => {
    const printed = graph({ chain: 'exampel' });
    assert.equal(printed.code, 1);
    assert.deepEqual(printed.out, []);
    assert.equal(printed.err.length, 1);
    assert.match(printed.err[0]!, /^no chain "exampel" in dag \(did you mean "example"\?\)/);
  });

  it('refuses an invalid chain with its problems, exit 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dfchain-graph-'));
    try {
      writeFileSync(join(dir, 'bad.json'), '{"StartAt": "Nowhere", "States": {}}');
      const printed = graph({ chain: 'bad', dir });
      assert.equal(printed.code, 1);
      assert.deepEqual(printed.out, []);
      assert.ok(printed.err.length >= 2);
      assert.match(printed.err.at(-1)!, /bad\.json: invalid chain/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a chain missing or a format it does not draw, exit 1', () => {
    assert.deepEqual(graph({ chain: undefined }).err, [
      'graph needs a chain: dfchain graph CHAIN [--format mermaid|dot]',
    ]);
    const printed = graph({ format: 'svg' });
    assert.equal(printed.code, 1);
    assert.deepEqual(printed.err, ['unknown --format "svg": use mermaid or dot']);
  });
});

describe('dfchain graph: a chain with a Schedule', () => {
  const NIGHTLY = 'test/fixtures/schedule-chains/nightly.json';
  const now = new Date('2026-01-05T04:00:00Z');

  it('prints the schedule and its next 3 fire times as Mermaid comments after the first line', () => {
    const out: string[] = [];
    const code = graphCommand(
      { chain: NIGHTLY, dir: 'dag', format: undefined, now },
      (l) => out.push(l),
      (l) => assert.fail(l),
    );
    assert.equal(code, 0);
    const lines = out.join('\n').split('\n');
    assert.deepEqual(lines.slice(0, 3), [
      'flowchart TD',
      '  %% schedule: "0 4 * * *" in Etc/UTC',
      '  %% next: 2026-01-06T04:00Z, 2026-01-07T04:00Z, 2026-01-08T04:00Z',
    ]);
    // The picture itself is the one a chain without Schedule draws.
    const { Schedule: _schedule, ...plain } = JSON.parse(
      readFileSync(NIGHTLY, 'utf8'),
    ) as ChainDefinition;
    assert.deepEqual(lines.slice(3), mermaidPicture(chainPicture(plain)).split('\n').slice(1));
  });

  it('prints them as // comments in DOT', () => {
    const out: string[] = [];
    graphCommand(
      { chain: NIGHTLY, dir: 'dag', format: 'dot', now },
      (l) => out.push(l),
      (l) => assert.fail(l),
    );
    assert.deepEqual(out.join('\n').split('\n').slice(0, 3), [
      'digraph "nightly" {',
      '  // schedule: "0 4 * * *" in Etc/UTC',
      '  // next: 2026-01-06T04:00Z, 2026-01-07T04:00Z, 2026-01-08T04:00Z',
    ]);
  });
});
