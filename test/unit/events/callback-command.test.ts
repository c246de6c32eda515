import { strict as assert } from 'node:assert';
import { decodeCommand } from '../../../src/events/command.js';

const TOKEN = 'dfct1.cjE.cA.' + 'A'.repeat(43);
const malformed = (reason: string) => ({ kind: 'ignored', category: 'malformed', reason });

describe('events: callback and heartbeat commands', () => {
  it('decodes a SUCCEEDED callback with its output', () => {
    assert.deepEqual(
      decodeCommand({ dfchain: 'callback', token: TOKEN, status: 'SUCCEEDED', output: { n: 1 } }),
      { kind: 'callback', token: TOKEN, outcome: { status: 'SUCCEEDED', output: { n: 1 } } },
    );
  });

  it('decodes a FAILED callback, error and cause optional', () => {
    assert.deepEqual(
      decodeCommand({
        dfchain: 'callback',
        token: TOKEN,
        status: 'FAILED',
        error: 'E',
        cause: 'C',
      }),
      { kind: 'callback', token: TOKEN, outcome: { status: 'FAILED', error: 'E', cause: 'C' } },
    );
    assert.deepEqual(decodeCommand({ dfchain: 'callback', token: TOKEN, status: 'FAILED' }), {
      kind: 'callback',
      token: TOKEN,
      outcome: { status: 'FAILED' },
    });
  });

  it('decodes a heartbeat', () => {
    assert.deepEqual(decodeCommand({ dfchain: 'heartbeat', token: TOKEN }), {
      kind: 'heartbeat',
      token: TOKEN,
    });
  });

  const refused: [Record<string, unknown>, string][] = [
    [
      { dfchain: 'callback', status: 'SUCCEEDED', output: 1 },
      'callback.token must be the $$.Task.Token the Task handed out (a string of 1 to 2048 characters), got undefined',
    ],
    [
      { dfchain: 'heartbeat', token: 7 },
      'heartbeat.token must be the $$.Task.Token the Task handed out (a string of 1 to 2048 characters), got number',
    ],
    [
      { dfchain: 'callback', token: TOKEN, status: 'DONE' },
      'callback.status must be "SUCCEEDED" or "FAILED", got "DONE"',
    ],
    [
      { dfchain: 'callback', token: TOKEN, status: 'SUCCEEDED' },
      'callback.output is required with status "SUCCEEDED" (any JSON value: the Task\'s result)',
    ],
    [
      { dfchain: 'callback', token: TOKEN, status: 'SUCCEEDED', output: 1, error: 'E' },
      'callback with status "SUCCEEDED" takes output, not error or cause',
    ],
    [
      { dfchain: 'callback', token: TOKEN, status: 'FAILED', output: 1 },
      'callback with status "FAILED" takes error and cause, not output',
    ],
    [
      { dfchain: 'callback', token: TOKEN, status: 'FAILED', error: 'e'.repeat(257) },
      'callback.error must be a string of at most 256 characters, got 257 characters',
    ],
    [
      { dfchain: 'callback', token: TOKEN, status: 'FAILED', cause: 3 },
      'callback.cause must be a string of at most 32768 characters, got number',
    ],
    [
      { dfchain: 'callback', token: TOKEN, status: 'SUCCEEDED', output: 'x'.repeat(262_200) },
      "callback.output is 262202 bytes as JSON, over dfchain's limit of 262144 (256 KiB); pass a reference to the data, such as a gs:// path, instead",
    ],
    [
      { dfchain: 'callback', token: TOKEN, status: 'SUCCEEDED', output: 1, ouput: 2 },
      'callback has unknown field "ouput" (expected dfchain, token, status, output, error, cause; did you mean "output"?)',
    ],
  ];
  for (const [command, reason] of refused) {
    it(`refuses ${JSON.stringify(command).slice(0, 70)}`, () => {
      assert.deepEqual(decodeCommand(command), malformed(reason));
    });
  }
});
