import { strict as assert } from 'node:assert';
import { decodeCommand } from '../../../src/events/command.js';
import { decodeEvent } from '../../../src/events/decode.js';
import { readPubSubPayload } from '../../../src/events/pubsub.js';
import { base64, convertedPubSub, published } from './fixtures.js';

const malformed = (reason: string) => ({ kind: 'ignored', category: 'malformed', reason });

describe('start command: scheduled triggers and explicit scheduled times', () => {
  it("decodes Cloud Scheduler's fixed message with the publish time of its envelope", () => {
    const expected = {
      kind: 'start',
      chain: 'nightly',
      input: {},
      trigger: { publishTime: '2024-05-01T01:12:04.000Z' },
    };
    const command = { dfchain: 'start', chain: 'nightly', scheduled: true };
    assert.deepEqual(decodeEvent(published(command)), expected);
    assert.deepEqual(decodeEvent(convertedPubSub(base64(command))), expected);
  });

  it('reads publish_time when the envelope names it so', () => {
    const data = base64({ dfchain: 'start', chain: 'c' });
    assert.deepEqual(
      readPubSubPayload({ message: { data, publish_time: '2026-01-05T04:00:01Z' } }),
      {
        value: { dfchain: 'start', chain: 'c' },
        publishTime: '2026-01-05T04:00:01Z',
      },
    );
    assert.deepEqual(readPubSubPayload({ message: { data, publishTime: 7 } }), {
      value: { dfchain: 'start', chain: 'c' },
    });
  });

  it('refuses a scheduled trigger without a publish time', () => {
    assert.deepEqual(
      decodeCommand({ dfchain: 'start', chain: 'nightly', scheduled: true }),
      malformed(
        "start.scheduled needs the Pub/Sub message's publishTime, which this delivery lacks (got undefined): a scheduled start comes from Cloud Scheduler through the topic",
      ),
    );
    assert.equal(
      (
        decodeCommand(
          { dfchain: 'start', chain: 'n', scheduled: true },
          { publishTime: 'soon' },
        ) as { reason: string }
      ).reason,
      "start.scheduled needs the Pub/Sub message's publishTime, which this delivery lacks (got string): a scheduled start comes from Cloud Scheduler through the topic",
    );
  });

  it('refuses a scheduled trigger that also names a run id, an input or a time', () => {
    assert.deepEqual(
      decodeCommand(
        { dfchain: 'start', chain: 'nightly', scheduled: true, runId: 'r1', input: {} },
        { publishTime: '2026-01-05T04:00:01Z' },
      ),
      malformed(
        "start.scheduled derives the run id, input and scheduled time from the chain's Schedule; drop runId, input (or drop scheduled and give scheduledTime)",
      ),
    );
  });

  it('refuses scheduled other than true', () => {
    assert.deepEqual(
      decodeCommand({ dfchain: 'start', chain: 'nightly', scheduled: 'yes' }),
      malformed('start.scheduled must be true when given, got string'),
    );
  });

  it('decodes an explicit scheduledTime (backfill), normalised to ISO UTC', () => {
    assert.deepEqual(
      decodeCommand({
        dfchain: 'start',
        chain: 'nightly',
        runId: 'nightly-20260105t0400z',
        input: { day: '2026-01-05' },
        scheduledTime: '2026-01-05T05:00:00+01:00',
      }),
      {
        kind: 'start',
        chain: 'nightly',
        runId: 'nightly-20260105t0400z',
        input: { day: '2026-01-05' },
        scheduledTime: '2026-01-05T04:00:00.000Z',
      },
    );
    assert.deepEqual(
      decodeCommand({ dfchain: 'start', chain: 'nightly', scheduledTime: '2026-01-05T04:00:00Z' }),
      { kind: 'start', chain: 'nightly', input: {}, scheduledTime: '2026-01-05T04:00:00.000Z' },
    );
  });

  it('refuses a scheduledTime that is not an RFC 3339 timestamp with a zone', () => {
    for (const [value, got] of [
      ['2026-01-05', '"2026-01-05"'],
      ['2026-01-05T04:00:00', '"2026-01-05T04:00:00"'],
      ['2026-01-05T04:00Z', '"2026-01-05T04:00Z"'],
      ['2026-02-30T04:00:00Z', '"2026-02-30T04:00:00Z"'],
      [1767585600000, 'number'],
    ] as const) {
      const signal = decodeCommand({ dfchain: 'start', chain: 'c', scheduledTime: value });
      assert.deepEqual(
        signal,
        malformed(
          `start.scheduledTime must be an RFC 3339 timestamp with a zone, such as "2026-01-05T04:00:00Z", got ${got}`,
        ),
        String(value),
      );
    }
  });
});
