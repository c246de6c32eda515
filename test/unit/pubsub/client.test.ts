import { strict as assert } from 'node:assert';
import { PublishPermanentError, PublishTransientError } from '../../../src/errors.js';
import { publishError } from '../../../src/pubsub/client.js';

const TOPIC = 'projects/p/topics/work';
const grpc = (code: number, message: string) => Object.assign(new Error(message), { code });

describe('pubsub: publish errors', () => {
  const permanent: [number, RegExp][] = [
    [5, /refused: 5 NOT_FOUND: x; create the topic, or correct Parameters\.topic$/],
    [7, /refused: .*; grant the function's service account roles\/pubsub\.publisher on the topic$/],
    [16, /roles\/pubsub\.publisher/],
    [3, /; correct the Task's Parameters$/],
    [9, /; correct the Task's Parameters$/],
  ];
  for (const [code, text] of permanent) {
    it(`gRPC code ${code} is permanent, naming the fix`, () => {
      const error = publishError(TOPIC, grpc(code, code === 5 ? '5 NOT_FOUND: x' : 'no'));
      assert.ok(error instanceof PublishPermanentError);
      assert.match(error.message, text);
      assert.match(error.message, /^publish to projects\/p\/topics\/work refused: /);
    });
  }

  for (const code of [4, 8, 13, 14, undefined]) {
    it(`gRPC code ${String(code)} may pass`, () => {
      const error = publishError(TOPIC, code === undefined ? new Error('reset') : grpc(code, 'x'));
      assert.ok(error instanceof PublishTransientError);
      assert.match(error.message, /^publish to projects\/p\/topics\/work failed, retrying: /);
      assert.ok(error.cause !== undefined);
    });
  }
});
