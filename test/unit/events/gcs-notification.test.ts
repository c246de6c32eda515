import { strict as assert } from 'node:assert';
import { decodeEvent } from '../../../src/events/decode.js';
import type { IncomingEvent } from '../../../src/events/signal.js';
import {
  expectedInput,
  gcsNotification,
  type GcsNotification,
} from '../../fixtures/gcs-notification.js';
import { base64 } from './fixtures.js';

/** The messagePublished CloudEvent Eventarc delivers for a notification. */
function delivered(
  notification: GcsNotification,
  data: string | undefined = base64(notification.object),
): IncomingEvent {
  return {
    id: 'n-1',
    type: 'google.cloud.pubsub.topic.v1.messagePublished',
    data: {
      message: {
        data,
        attributes: notification.attributes,
        messageId: 'n-1',
        publishTime: '2026-11-21T10:00:00.300Z',
      },
      subscription: 'projects/my-proj/subscriptions/eventarc-sub',
    },
  };
}

describe('Cloud Storage notifications', () => {
  it('decodes OBJECT_FINALIZE into the object and its run input', () => {
    assert.deepEqual(decodeEvent(delivered(gcsNotification())), {
      kind: 'objectFinalized',
      bucket: 'partner-drops',
      name: 'in/2026-11-21/sales.csv',
      generation: '1763719200123456',
      input: expectedInput(),
    });
  });

  it('keeps overwroteGeneration when the object replaced another', () => {
    const signal = decodeEvent(delivered(gcsNotification({ overwroteGeneration: '17637' })));
    assert.equal(signal.kind, 'objectFinalized');
    if (signal.kind === 'objectFinalized')
      assert.deepEqual(signal.input, expectedInput({ overwroteGeneration: '17637' }));
  });

  it('leaves out custom metadata that is not a map of strings', () => {
    const notification = gcsNotification();
    const signal = decodeEvent(
      delivered(notification, base64({ ...notification.object, metadata: { n: 1 } })),
    );
    assert.equal(signal.kind === 'objectFinalized' && 'metadata' in signal.input, false);
  });

  for (const eventType of ['OBJECT_DELETE', 'OBJECT_METADATA_UPDATE', 'OBJECT_ARCHIVE']) {
    it(`ignores ${eventType} as foreign, saying only OBJECT_FINALIZE starts runs`, () => {
      assert.deepEqual(decodeEvent(delivered(gcsNotification({ eventType }))), {
        kind: 'ignored',
        category: 'foreign',
        reason: `Cloud Storage notification ${eventType} for gs://partner-drops/in/2026-11-21/sales.csv#1763719200123456: only OBJECT_FINALIZE starts a run (Triggers); nothing to do`,
      });
    });
  }

  it('refuses payloadFormat NONE (no object for the input), naming the fix', () => {
    const notification = gcsNotification();
    notification.attributes['payloadFormat'] = 'NONE';
    const signal = decodeEvent(delivered(notification, undefined));
    assert.deepEqual(signal, {
      kind: 'ignored',
      category: 'malformed',
      reason:
        'Cloud Storage notification for gs://partner-drops/in/2026-11-21/sales.csv#1763719200123456 has payloadFormat "NONE", so it carries no object for the run input; recreate the notification with --payload-format=json (JSON_API_V1), as infra/deploy.sh does',
    });
  });

  it('refuses a generation that is not digits', () => {
    const signal = decodeEvent(delivered(gcsNotification({ generation: 'x1' })));
    assert.equal(signal.kind, 'ignored');
    assert.match(
      signal.kind === 'ignored' ? signal.reason : '',
      /no objectGeneration of digits \(got "x1"\)/,
    );
  });

  it('refuses data that contradicts the attributes, or is not an object', () => {
    const notification = gcsNotification();
    const other = decodeEvent(
      delivered(notification, base64({ ...notification.object, name: 'other.csv' })),
    );
    assert.deepEqual(other, {
      kind: 'ignored',
      category: 'malformed',
      reason:
        'Cloud Storage notification for gs://partner-drops/in/2026-11-21/sales.csv#1763719200123456: data.name is "other.csv", not the attributes\' "in/2026-11-21/sales.csv"',
    });
    const array = decodeEvent(delivered(notification, base64([1])));
    assert.match(
      array.kind === 'ignored' ? array.reason : '',
      /message\.data must be the object resource \(JSON object\), got array$/,
    );
    const empty = decodeEvent(delivered(notification, ''));
    assert.match(
      empty.kind === 'ignored' ? empty.reason : '',
      /#1763719200123456: message\.data is empty/,
    );
  });

  it('is recognised by its attributes only: without them the same data is foreign', () => {
    const notification = gcsNotification();
    const { notificationConfig: _dropped, ...rest } = notification.attributes;
    const signal = decodeEvent(delivered({ ...notification, attributes: rest }));
    assert.equal(signal.kind, 'ignored');
    assert.equal(signal.kind === 'ignored' && signal.category, 'foreign');
  });

  it('does not take a dfchain command with attributes for a notification', () => {
    const event = delivered(gcsNotification(), base64({ dfchain: 'tick' }));
    const message = (event.data as { message: { attributes: unknown } }).message;
    message.attributes = { eventType: 'OBJECT_FINALIZE' };
    assert.deepEqual(decodeEvent(event), { kind: 'tick' });
  });
});
