import { strict as assert } from 'node:assert';
import { childScopeOf, entryKey, placeOf, scoped, timerName } from '../../../src/engine/names.js';
import { TIMER_KINDS, type TimerKind } from '../../../src/engine/run.js';
import type { ChainDefinition } from '../../../src/chain/types.js';
import { chainProblems } from '../../../src/chain/validate.js';
import { startRun } from '../../../src/engine/start.js';
import { onTimer } from '../../../src/engine/timer.js';
import { decodeCommand } from '../../../src/events/command.js';

describe('engine: names', () => {
  describe('entryKey', () => {
    const cases: [scope: string, state: string, visit: number, key: string][] = [
      ['', 'Load', 0, 'Load'],
      ['', 'Load', 1, 'Load#1'],
      ['', 'Load', 12, 'Load#12'],
      ['Fan[1]', 'Load', 0, 'Fan[1]/Load'],
      ['Fan[1]', 'Load', 2, 'Fan[1]/Load#2'],
      ['Fan[1]/Each@1[3]', 'Work', 0, 'Fan[1]/Each@1[3]/Work'],
      ['', 'Name with spaces', 1, 'Name with spaces#1'],
    ];
    for (const [scope, state, visit, key] of cases) {
      it(`(${JSON.stringify(scope)}, ${state}, visit ${visit}) → ${key}`, () => {
        assert.equal(entryKey(scope, state, visit), key);
      });
    }
  });

  describe('childScopeOf', () => {
    const cases: [key: string, attempt: number, index: number, scope: string][] = [
      ['Fan', 0, 0, 'Fan[0]'],
      ['Fan', 0, 1, 'Fan[1]'],
      ['Fan', 1, 1, 'Fan@1[1]'],
      ['Fan[1]/Each', 0, 3, 'Fan[1]/Each[3]'],
      ['Fan[1]/Each', 1, 3, 'Fan[1]/Each@1[3]'],
      ['Loop#2', 2, 0, 'Loop#2@2[0]'],
    ];
    for (const [key, attempt, index, scope] of cases) {
      it(`(${key}, attempt ${attempt}, index ${index}) → ${scope}`, () => {
        assert.equal(childScopeOf(key, attempt, index), scope);
      });
    }

    it('gives every attempt and visit of a Parallel its own branch scopes', () => {
      const scopes = [
        childScopeOf(entryKey('', 'Fan', 0), 0, 0),
        childScopeOf(entryKey('', 'Fan', 0), 1, 0),
        childScopeOf(entryKey('', 'Fan', 1), 0, 0),
        childScopeOf(entryKey('', 'Fan', 1), 1, 0),
      ];
      assert.deepEqual(scopes, ['Fan[0]', 'Fan@1[0]', 'Fan#1[0]', 'Fan#1@1[0]']);
    });
  });

  describe('timerName', () => {
    const FORMAT = /^[a-z]+-[0-9a-f]{40}$/;

    it('is deterministic', () => {
      assert.equal(timerName('n0nce', 'wait', 'Pause', 0), timerName('n0nce', 'wait', 'Pause', 0));
      // Pinned: a deploy must not rename the timers of runs in flight.
      assert.equal(
        timerName('n0nce', 'wait', 'Pause', 0),
        'wait-b512cc8ce5e48d96b6ab44173fa8741c8744c5a1',
      );
    });

    for (const kind of TIMER_KINDS) {
      it(`${kind}: "${kind}-" and 40 hex digits, at most 100 characters`, () => {
        const name = timerName('n0nce', kind, 'Fan[1]/Each@1[3]/Work#2', 7);
        assert.match(name, FORMAT);
        assert.ok(name.startsWith(`${kind}-`));
        assert.ok(name.length <= 100);
      });

      it(`${kind}: the timer command's decoder accepts what the engine names`, () => {
        const name = timerName('n0nce', kind, 'Load', 0);
        assert.deepEqual(decodeCommand({ dfchain: 'timer', runId: 'r1', timer: name }), {
          kind: 'timer',
          runId: 'r1',
          timer: name,
        });
      });
    }

    it('differs when any of nonce, kind, key or attempt differs', () => {
      const base: [string, TimerKind, string, number] = ['n0nce', 'retry', 'Load', 0];
      const names = [
        timerName(...base),
        timerName('other', 'retry', 'Load', 0),
        timerName('n0nce', 'timeout', 'Load', 0),
        timerName('n0nce', 'retry', 'Load#1', 0),
        timerName('n0nce', 'retry', 'Load', 1),
      ];
      assert.equal(new Set(names.map((n) => n.slice(n.indexOf('-')))).size, names.length);
    });

    it('does not confuse fields across the separator', () => {
      assert.notEqual(timerName('a', 'wait', 'b\n0', 1), timerName('a', 'wait', 'b', 0));
    });
  });

  describe('scoped and placeOf', () => {
    it('say nothing of the top-level scope', () => {
      assert.deepEqual(scoped(''), {});
      assert.equal(placeOf('', 'Load'), 'States.Load');
    });

    it('name a nested scope', () => {
      assert.deepEqual(scoped('Fan[1]/Each[0]'), { scope: 'Fan[1]/Each[0]' });
      assert.equal(placeOf('Fan[1]/Each[0]', 'Load'), 'States.Fan[1]/Each[0]/Load');
    });
  });

  describe('keys of different entries never collide (found by these tests, fixed)', () => {
    it('a state name holding a scope-path character, which could make two keys equal, is refused', () => {
      // entryKey writes visit n of "Pause" as "Pause#n", the key of visit 0 of a state named
      // "Pause#1": two Waits would share a timer name, and the timer port schedules a name once.
      // Validation now refuses / [ ] # @ in state names (src/chain/graph.ts).
      const loop = {
        StartAt: 'Pause',
        States: {
          Pause: { Type: 'Wait', Seconds: 10, Next: 'Check' },
          Check: {
            Type: 'Choice',
            Choices: [{ Variable: '$.done', IsPresent: true, Next: 'Pause#1' }],
            Default: 'Mark',
          },
          Mark: { Type: 'Pass', Result: true, ResultPath: '$.done', Next: 'Pause' },
          'Pause#1': { Type: 'Wait', Seconds: 10, End: true },
        },
      };
      assert.deepEqual(
        chainProblems(loop).map((p) => p.path),
        ['States.Pause#1'],
      );
    });

    it('a loop of valid names arms a distinct timer for every visit', () => {
      const loop: ChainDefinition = {
        StartAt: 'Pause',
        States: {
          Pause: { Type: 'Wait', Seconds: 10, Next: 'Check' },
          Check: {
            Type: 'Choice',
            Choices: [{ Variable: '$.done', IsPresent: true, Next: 'Last' }],
            Default: 'Mark',
          },
          Mark: { Type: 'Pass', Result: true, ResultPath: '$.done', Next: 'Pause' },
          Last: { Type: 'Wait', Seconds: 10, End: true },
        },
      };
      assert.deepEqual(chainProblems(loop), [], 'a valid chain');
      let t = startRun({
        runId: 'r1',
        chain: 'c',
        definition: loop,
        definitionHash: 'h',
        projectId: 'p',
        input: {},
        now: '2026-11-22T10:00:00.000Z',
        nonce: 'n0nce',
      });
      const armed: string[] = [];
      while (t.run.status === 'RUNNING') {
        const [name, timer] = Object.entries(t.run.timers ?? {})[0]!;
        armed.push(name);
        t = onTimer(loop, t.run, name, timer.dueAt);
      }
      assert.equal(armed.length, 3);
      assert.equal(new Set(armed).size, 3, `timer names: ${armed.join(', ')}`);
    });
  });
});
