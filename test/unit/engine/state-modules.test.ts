import { strict as assert } from 'node:assert';
import type { ChainDefinition } from '../../../src/chain/types.js';
import { startRun } from '../../../src/engine/start.js';
import { launchesOf, type Transition } from '../../../src/engine/transition.js';
import type { JsonObject } from '../../../src/json.js';
import { T0 } from '../../fixtures/runs.js';
import { carryOut, spawnsOf } from './drive.js';

const TASK = {
  Type: 'Task',
  Resource: 'dataflow:flexTemplate',
  Region: 'europe-west4',
  Parameters: { jobName: 'load', containerSpecGcsPath: 'gs://b/load.json' },
  End: true,
};

/** The chain of `states`, starting at the first. */
function definitionOf(states: JsonObject): ChainDefinition {
  return { StartAt: Object.keys(states)[0]!, States: states } as unknown as ChainDefinition;
}

function start(states: JsonObject, input: JsonObject = {}, nonce = 'n0nce'): Transition {
  return startRun({
    runId: 'r1',
    chain: 'c',
    definition: definitionOf(states),
    definitionHash: 'h',
    projectId: 'p',
    input,
    now: T0,
    nonce,
  });
}

function map(extra: JsonObject, processor: JsonObject = { L: TASK }): JsonObject {
  return {
    M: {
      Type: 'Map',
      ItemsPath: '$.items',
      ItemProcessor: { StartAt: Object.keys(processor)[0] ?? '', States: processor },
      End: true,
      ...extra,
    },
  };
}

const later = (seconds: number) => new Date(Date.parse(T0) + seconds * 1000).toISOString();

describe('engine: the state modules at run time', () => {
  describe('Map', () => {
    const counts: [field: string, value: unknown, got: string][] = [
      ['MaxConcurrencyPath', 'x', '"x"'],
      ['MaxConcurrencyPath', -1, '-1'],
      ['ToleratedFailureCountPath', null, 'null'],
      ['ToleratedFailurePercentagePath', true, 'true'],
    ];
    for (const [field, value, got] of counts) {
      it(`${field} selecting ${got} fails the run with States.Runtime naming the field`, () => {
        const t = start(map({ [field]: '$.n' }), { items: [1], n: value as never });
        assert.deepEqual(t.run.error, {
          Error: 'States.Runtime',
          Cause: `States.M.${field}: "$.n" must select a non-negative number, got ${got}`,
        });
      });
    }

    it('MaxConcurrencyPath 0 means no limit, and a path limit of 1 starts one item', () => {
      const items = { items: [1, 2, 3] };
      // Items run in parts: the Map's document asks for them (spawn), each part launches its job.
      const started = (n: number) => {
        const states = map({ MaxConcurrencyPath: '$.n' });
        const t = start(states, { ...items, n });
        const launches = carryOut(definitionOf(states), t, T0).transitions.flatMap(launchesOf);
        return { spawned: spawnsOf(t).map((s) => s.part.index), launches: launches.length };
      };
      assert.deepEqual(started(0), { spawned: [0, 1, 2], launches: 3 });
      assert.deepEqual(started(1), { spawned: [0], launches: 1 });
    });

    it('ItemsPath that selects no array fails with the path and what it got', () => {
      const t = start(map({}), { items: { a: 1 } });
      assert.deepEqual(t.run.error, {
        Error: 'States.Runtime',
        Cause: 'States.M.ItemsPath: "$.items" must select an array, got {"a":1}',
      });
      const { ItemsPath: _path, ...noPath } = map({}).M as JsonObject;
      const whole = start({ M: noPath }, { items: [] });
      assert.equal(
        whole.run.error?.Cause,
        'States.M.ItemsPath: "$" must select an array, got {"items":[]}',
      );
    });

    it('a failing ItemSelector names ItemSelector, and the older Parameters names Parameters', () => {
      for (const field of ['ItemSelector', 'Parameters']) {
        const t = start(map({ [field]: { 'v.$': '$.missing' } }), { items: [1] });
        assert.equal(t.run.error?.Error, 'States.Runtime');
        assert.match(t.run.error?.Cause ?? '', new RegExp(`^States\\.M\\.${field}\\.v\\.\\$: `));
      }
    });

    it("each item's random intrinsics draw from its own seed, fixed by the run's nonce", () => {
      const selector = { ItemSelector: { 'id.$': 'States.UUID()' } };
      const processor = { P: { Type: 'Pass', End: true } };
      const ids = (nonce: string) => {
        const t = start(map(selector, processor), { items: [1, 2] }, nonce);
        const run = carryOut(definitionOf(map(selector, processor)), t, T0).docs.get('r1')!;
        assert.equal(run.status, 'SUCCEEDED');
        return run.output as { id: string }[];
      };
      const [a, b] = ids('n1');
      assert.notEqual(a?.id, b?.id);
      assert.deepEqual(ids('n1'), [a, b], 'a replay draws the same');
      assert.notDeepEqual(ids('n2'), [a, b], 'another run draws others');
    });

    it('items without an ItemSelector get their value, read again from the input for later items', () => {
      const states = map({ MaxConcurrency: 1 }, { P: { Type: 'Pass', End: true } });
      const t = start(states, { items: ['a', 'b', 'c'] });
      // One item at a time: the first spawn gets 'a', each later one is read again at its start.
      assert.deepEqual(
        spawnsOf(t).map((s) => s.input),
        ['a'],
      );
      // Each later item starts with its lane's predecessor's end (successorOf): its part's
      // Pass hands on the input it was given.
      const { docs } = carryOut(definitionOf(states), t, T0);
      assert.deepEqual(
        [...docs.values()].flatMap((doc) => (doc.part ? [[doc.part.index, doc.output]] : [])),
        [
          [0, 'a'],
          [1, 'b'],
          [2, 'c'],
        ],
      );
      assert.deepEqual(docs.get('r1')?.output, ['a', 'b', 'c']);
    });
  });

  describe('Task timeouts', () => {
    const bad: [value: unknown, got: string][] = [
      ['x', '"x"'],
      [0, '0'],
      [-5, '-5'],
      [2.5, '2.5'],
    ];
    for (const [value, got] of bad) {
      it(`TimeoutSecondsPath selecting ${got} fails with States.Runtime`, () => {
        const t = start({ L: { ...TASK, TimeoutSecondsPath: '$.t' } }, { t: value as never });
        assert.deepEqual(t.run.error, {
          Error: 'States.Runtime',
          Cause: `States.L.TimeoutSecondsPath: "$.t" must select a positive integer, got ${got}`,
        });
        assert.deepEqual(launchesOf(t), []);
      });
    }

    it('a valid TimeoutSecondsPath and HeartbeatSeconds arm their timers from the entry time', () => {
      const t = start({ L: { ...TASK, TimeoutSecondsPath: '$.t', HeartbeatSeconds: 1 } }, { t: 7 });
      const timers = Object.values(t.run.timers ?? {}).map((x) => [x.kind, x.dueAt]);
      assert.deepEqual(timers.sort(), [
        ['heartbeat', later(1)],
        ['timeout', later(7)],
      ]);
    });
  });

  describe('Wait', () => {
    const seconds: [value: unknown, got: string][] = [
      ['3', '"3"'],
      [-1, '-1'],
      [1.5, '1.5'],
    ];
    for (const [value, got] of seconds) {
      it(`SecondsPath selecting ${got} fails with States.Runtime`, () => {
        const t = start(
          { W: { Type: 'Wait', SecondsPath: '$.s', End: true } },
          { s: value as never },
        );
        assert.deepEqual(t.run.error, {
          Error: 'States.Runtime',
          Cause: `States.W.SecondsPath: must select a non-negative integer, got ${got}`,
        });
      });
    }

    it('TimestampPath selecting no timestamp fails, showing the expected form', () => {
      const t = start(
        { W: { Type: 'Wait', TimestampPath: '$.at', End: true } },
        { at: 'tomorrow' },
      );
      assert.deepEqual(t.run.error, {
        Error: 'States.Runtime',
        Cause:
          'States.W.TimestampPath: must select an RFC 3339 timestamp such as "2026-12-01T06:00:00Z", got "tomorrow"',
      });
    });

    it('a Wait due now passes at once with no timer; one second later waits', () => {
      const now = start({ W: { Type: 'Wait', SecondsPath: '$.s', End: true } }, { s: 0 });
      assert.equal(now.run.status, 'SUCCEEDED');
      const soon = start({ W: { Type: 'Wait', Timestamp: later(1), End: true } });
      assert.equal(soon.run.status, 'RUNNING');
      assert.deepEqual(
        Object.values(soon.run.timers ?? {}).map((x) => x.dueAt),
        [later(1)],
      );
      const at = start({ W: { Type: 'Wait', Timestamp: T0, End: true } });
      assert.equal(at.run.status, 'SUCCEEDED', 'due exactly now');
    });
  });
});
