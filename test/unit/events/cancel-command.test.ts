import { strict as assert } from 'node:assert';
import { decodeCommand, MAX_CANCEL_CAUSE } from '../../../src/events/command.js';

const malformed = (reason: string) => ({ kind: 'ignored', category: 'malformed', reason });
const RUN_ID_RULE =
  'cancel.runId must be a run id matching ^[a-z0-9][a-z0-9_-]{0,62}$ (lowercase letters, digits, "_" and "-", at most 63), got';

describe('events: the cancel command', () => {
  it('carries the run id and the cause', () => {
    assert.deepEqual(decodeCommand({ dfchain: 'cancel', runId: 'r1', cause: 'why' }), {
      kind: 'cancel',
      runId: 'r1',
      cause: 'why',
    });
  });

  it('the cause is optional', () => {
    assert.deepEqual(decodeCommand({ dfchain: 'cancel', runId: 'daily-2026_1' }), {
      kind: 'cancel',
      runId: 'daily-2026_1',
    });
  });

  const badIds: [name: string, runId: unknown, got: string][] = [
    ['missing', undefined, 'undefined'],
    ['a number', 7, 'number'],
    ['upper case', 'R1', '"R1"'],
    ['a part of a run', 'r1.0123456789abcdef0123', '"r1.0123456789abcdef0123"'],
    ['too long', `a${'b'.repeat(63)}`, `"a${'b'.repeat(63)}"`],
  ];
  for (const [name, runId, got] of badIds) {
    it(`refuses a runId that is ${name}`, () => {
      assert.deepEqual(
        decodeCommand({ dfchain: 'cancel', ...(runId === undefined ? {} : { runId }) }),
        malformed(`${RUN_ID_RULE} ${got}`),
      );
    });
  }

  it('refuses a cause that is not a string, or too long', () => {
    assert.deepEqual(
      decodeCommand({ dfchain: 'cancel', runId: 'r1', cause: 3 }),
      malformed(
        `cancel.cause must be a string of at most ${MAX_CANCEL_CAUSE} characters, got number`,
      ),
    );
    assert.deepEqual(
      decodeCommand({ dfchain: 'cancel', runId: 'r1', cause: 'x'.repeat(MAX_CANCEL_CAUSE + 1) }),
      malformed(
        `cancel.cause must be a string of at most ${MAX_CANCEL_CAUSE} characters, got ${MAX_CANCEL_CAUSE + 1} characters`,
      ),
    );
  });

  it('refuses an unknown field, suggesting the known one', () => {
    assert.deepEqual(
      decodeCommand({ dfchain: 'cancel', runId: 'r1', casue: 'x' }),
      malformed(
        'cancel has unknown field "casue" (expected dfchain, runId, cause; did you mean "cause"?)',
      ),
    );
  });
});
