import { strict as assert } from 'node:assert';
import { decodeEvent } from '../../../src/events/decode.js';
import { MAX_MESSAGE_BYTES } from '../../../src/events/pubsub.js';
import { eventarcPubSub } from './fixtures.js';

describe('Pub/Sub message.data', () => {
  it('treats a null message.data as an empty message (foreign), like an absent one', () => {
    assert.deepEqual(decodeEvent(eventarcPubSub(null as unknown as string)), {
      kind: 'ignored',
      category: 'foreign',
      reason: 'message.data is empty: dfchain messages carry JSON in message.data',
    });
  });

  it('parses a message of exactly the 1 MiB limit (its base64 is exactly at the cap)', () => {
    const head = '{"x":"';
    const tail = '"}';
    const json = `${head}${'a'.repeat(MAX_MESSAGE_BYTES - head.length - tail.length)}${tail}`;
    assert.equal(Buffer.byteLength(json, 'utf8'), 1_048_576);
    const data = Buffer.from(json, 'utf8').toString('base64');
    assert.equal(data.length, 1_398_104);

    assert.deepEqual(decodeEvent(eventarcPubSub(data)), {
      kind: 'ignored',
      category: 'foreign',
      reason: 'message.data is neither a LogEntry nor a dfchain command (fields: x)',
    });
  });
});
