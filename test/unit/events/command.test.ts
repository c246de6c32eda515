import { strict as assert } from 'node:assert';
import { timerName } from '../../../src/engine/names.js';
import { TIMER_KINDS } from '../../../src/engine/run.js';
import { COMMAND_VERBS, decodeCommand } from '../../../src/events/command.js';
import { decodeEvent } from '../../../src/events/decode.js';
import { base64, convertedPubSub, eventarcPubSub } from './fixtures.js';

const HEX40 = '0123456789abcdef0123456789abcdef01234567';
const NAME = `wait-${HEX40}`;
const RUN_ID_RULE = '^[a-z0-9][a-z0-9_-]{0,62}$';
const TIMER_RULE =
  'timer.timer must be a timer name such as "wait-0123abcd…" (sent by dfchain\'s timer port), got';

const malformed = (reason: string) => ({ kind: 'ignored', category: 'malformed', reason });

describe('events: the timer command', () => {
  it('is one of the command verbs', () => {
    assert.deepEqual(COMMAND_VERBS, [
      'start',
      'tick',
      'timer',
      'cancel',
      'redrive',
      'callback',
      'heartbeat',
    ]);
  });

  describe('valid', () => {
    const cases: [name: string, runId: string, timer: string][] = [
      ['a wait timer', 'r1', NAME],
      ['the longest run id', `a${'-'.repeat(62)}`, NAME],
      ['a run id of digits, "_" and "-"', '0_daily-2026', `retry-${HEX40}`],
      ['one hex digit', 'r1', 'run-0'],
      ['64 hex digits', 'r1', `heartbeat-${'f'.repeat(64)}`],
    ];
    for (const [name, runId, timer] of cases) {
      it(name, () => {
        assert.deepEqual(decodeCommand({ dfchain: 'timer', runId, timer }), {
          kind: 'timer',
          runId,
          timer,
        });
      });
    }

    for (const kind of TIMER_KINDS) {
      it(`every ${kind} timer the engine names`, () => {
        const timer = timerName('n0nce', kind, 'Fan[1]/Each@1[3]/Work#2', 4);
        assert.deepEqual(decodeCommand({ dfchain: 'timer', runId: 'r1', timer }), {
          kind: 'timer',
          runId: 'r1',
          timer,
        });
      });
    }

    it('arrives through Pub/Sub like any command', () => {
      const data = base64({ dfchain: 'timer', runId: 'r1', timer: NAME });
      const signal = { kind: 'timer', runId: 'r1', timer: NAME };
      assert.deepEqual(decodeEvent(eventarcPubSub(data)), signal);
      assert.deepEqual(decodeEvent(convertedPubSub(data)), signal);
    });
  });

  describe('a bad runId', () => {
    const cases: [name: string, runId: unknown, got: string][] = [
      ['missing', undefined, 'undefined'],
      ['a number', 7, 'number'],
      ['null', null, 'null'],
      ['an array', ['r1'], 'array'],
      ['upper case', 'R1', '"R1"'],
      ['with a space', 'my run', '"my run"'],
      ['empty', '', '""'],
      ['starting with "-"', '-r1', '"-r1"'],
      ['64 characters', 'a'.repeat(64), `"${'a'.repeat(64)}"`],
      ['a part key of 19 hex digits', `r1.${'a'.repeat(19)}`, `"r1.${'a'.repeat(19)}"`],
      ['a part key in upper case', `r1.${'A'.repeat(20)}`, `"r1.${'A'.repeat(20)}"`],
      ['a part with no run', `.${'a'.repeat(20)}`, `".${'a'.repeat(20)}"`],
    ];
    for (const [name, runId, got] of cases) {
      it(name, () => {
        const command = runId === undefined ? {} : { runId };
        assert.deepEqual(
          decodeCommand({ dfchain: 'timer', ...command, timer: NAME }),
          malformed(
            `timer.runId must be a run id matching ${RUN_ID_RULE}, or a Map item's part of one (run id, ".", 20 hex digits), got ${got}`,
          ),
        );
      });
    }
    it("accepts a Map item's part: the timer is in the item's document", () => {
      const runId = `r1.${'0123456789abcdef0123'}`;
      assert.deepEqual(decodeCommand({ dfchain: 'timer', runId, timer: NAME }), {
        kind: 'timer',
        runId,
        timer: NAME,
      });
    });
  });

  describe('a bad timer name', () => {
    const cases: [name: string, timer: unknown, got: string][] = [
      ['missing', undefined, 'undefined'],
      ['a number', 12, 'number'],
      ['null', null, 'null'],
      ['an object', { name: NAME }, 'object'],
      ['upper-case kind', `Wait-${HEX40}`, `"Wait-${HEX40}"`],
      ['upper-case hex', 'wait-0123ABCD', '"wait-0123ABCD"'],
      ['not hex', 'wait-xyz', '"wait-xyz"'],
      ['no digits', 'wait-', '"wait-"'],
      ['no kind', `-${HEX40}`, `"-${HEX40}"`],
      ['an underscore', `wait_${HEX40}`, `"wait_${HEX40}"`],
      ['a digit in the kind', `wait2-${HEX40}`, `"wait2-${HEX40}"`],
      ['65 hex digits', `wait-${'a'.repeat(65)}`, `"wait-${'a'.repeat(65)}"`],
      ['a long one, cut short in the reason', 'x'.repeat(200), `"${'x'.repeat(80)}…"`],
      ['a path', `../wait-${HEX40}`, `"../wait-${HEX40}"`],
      ['a trailing newline', `${NAME}\n`, JSON.stringify(`${NAME}\n`)],
    ];
    for (const [name, timer, got] of cases) {
      it(name, () => {
        const command = timer === undefined ? {} : { timer };
        assert.deepEqual(
          decodeCommand({ dfchain: 'timer', runId: 'r1', ...command }),
          malformed(`${TIMER_RULE} ${got}`),
        );
      });
    }
  });

  describe('an unknown field', () => {
    const cases: [field: string, hint: string][] = [
      ['tiemr', '; did you mean "timer"?'],
      ['runid', '; did you mean "runId"?'],
      ['timers', '; did you mean "timer"?'],
      ['input', ''],
      ['chain', ''],
    ];
    for (const [field, hint] of cases) {
      it(`${field}${hint === '' ? ', with no close match' : ''}`, () => {
        assert.deepEqual(
          decodeCommand({ dfchain: 'timer', runId: 'r1', timer: NAME, [field]: 'x' }),
          malformed(`timer has unknown field "${field}" (expected dfchain, runId, timer${hint})`),
        );
      });
    }

    it('is reported before the other fields are checked', () => {
      assert.deepEqual(
        decodeCommand({ dfchain: 'timer', runId: 7, timr: NAME }),
        malformed(
          'timer has unknown field "timr" (expected dfchain, runId, timer; did you mean "timer"?)',
        ),
      );
    });

    it('timer fields on other verbs are unknown there', () => {
      assert.deepEqual(
        decodeCommand({ dfchain: 'tick', timer: NAME }),
        malformed('tick has unknown field "timer" (expected dfchain)'),
      );
    });
  });

  it('a misspelt verb suggests timer', () => {
    assert.deepEqual(
      decodeCommand({ dfchain: 'timr', runId: 'r1', timer: NAME }),
      malformed(
        'unknown command "timr" (expected "start", "tick", "timer", "cancel", "redrive", "callback", "heartbeat"; did you mean "timer"?)',
      ),
    );
  });

  describe('the reason quotes what broke the rule', () => {
    it('a runId that breaks the rule is quoted in the reason, as start.runId does', () => {
      // decodeTimer says `got string` for any string runId: the log line does not show the
      // value that broke the rule (decodeStart quotes it: start.runId "Bad ID" must match …).
      const signal = decodeCommand({ dfchain: 'timer', runId: 'Bad ID', timer: NAME });
      assert.equal(signal.kind, 'ignored');
      assert.match(signal.kind === 'ignored' ? signal.reason : '', /"Bad ID"/);
    });
  });
});
