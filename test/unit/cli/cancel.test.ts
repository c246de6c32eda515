import { strict as assert } from 'node:assert';
import { cancelCommand, type CancelOptions } from '../../../src/cli/cancel.js';
import type { Endpoint } from '../../../src/cli/failure.js';
import type { Publisher } from '../../../src/cli/start.js';
import type { JsonObject } from '../../../src/json.js';

const EMULATOR: Endpoint = { service: 'pubsub', emulator: '127.0.0.1:9' };

function grpcError(code: number, message: string): Error {
  return Object.assign(new Error(message), { code });
}

async function cancel(
  options: Partial<CancelOptions>,
  result: () => Promise<string>,
): Promise<{
  code: number;
  out: string[];
  err: string[];
  published: { topic: string; command: JsonObject }[];
  connected: boolean;
}> {
  const out: string[] = [];
  const err: string[] = [];
  const published: { topic: string; command: JsonObject }[] = [];
  let connected = false;
  const publisher: Publisher = {
    endpoint: EMULATOR,
    publish: (topic, command) => {
      published.push({ topic, command });
      return result();
    },
    close: () => Promise.resolve(),
  };
  const code = await cancelCommand(
    { projectId: 'p', topic: 'dfchain-events', runId: 'daily-1', ...options },
    () => {
      connected = true;
      return Promise.resolve(publisher);
    },
    (l) => out.push(l),
    (l) => err.push(l),
  );
  return { code, out, err, published, connected };
}

describe('dfchain cancel', () => {
  it('publishes the cancel command with its cause', async () => {
    const printed = await cancel({ cause: 'wrong input' }, () => Promise.resolve('42'));
    assert.deepEqual(printed, {
      code: 0,
      out: [
        'published cancel of run daily-1 as message 42 on dfchain-events',
        'follow it: dfchain status daily-1',
      ],
      err: [],
      published: [
        {
          topic: 'dfchain-events',
          command: { dfchain: 'cancel', runId: 'daily-1', cause: 'wrong input' },
        },
      ],
      connected: true,
    });
  });

  it('leaves the cause out when none is given', async () => {
    const printed = await cancel({}, () => Promise.resolve('7'));
    assert.deepEqual(printed.published[0]?.command, { dfchain: 'cancel', runId: 'daily-1' });
  });

  it('refuses a malformed run id before connecting', async () => {
    const printed = await cancel({ runId: 'Daily 1' }, () => Promise.resolve('1'));
    assert.equal(printed.code, 1);
    assert.equal(printed.connected, false);
    assert.deepEqual(printed.err, [
      'dfchain cancel: "Daily 1" is not a run id: use 1 to 63 lowercase letters, digits, "_" and "-", starting with a letter or digit',
    ]);
  });

  it('says in one line that the topic does not exist', async () => {
    const printed = await cancel({}, () =>
      Promise.reject(grpcError(5, '5 NOT_FOUND: Topic not found')),
    );
    assert.equal(printed.code, 1);
    assert.equal(printed.err.length, 1);
    assert.match(
      printed.err[0]!,
      /^dfchain cancel: topic "dfchain-events" does not exist in project p/,
    );
  });
});
