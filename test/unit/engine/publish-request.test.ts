import { strict as assert } from 'node:assert';
import {
  publishRequest,
  tokenPlaceholder,
  topicPath,
} from '../../../src/engine/publish-request.js';

const IDS = { runId: 'r1', state: 'Ask', step: 'publish-0123456789ab' };

describe('engine: the publish request of a pubsub:publish Task', () => {
  it('names a short topic in the function project, keeps a full one', () => {
    assert.equal(topicPath('work', 'p'), 'projects/p/topics/work');
    assert.equal(topicPath('projects/q/topics/work', 'p'), 'projects/q/topics/work');
  });

  it("makes attributes text and adds dfchain's last, so a chain cannot overwrite them", () => {
    const request = publishRequest(
      { topic: 'work', data: { a: 1 }, attributes: { n: 3, o: { x: true }, dfchain_run_id: 'x' } },
      'p',
      IDS,
    );
    assert.deepEqual(request, {
      kind: 'publish',
      topic: 'projects/p/topics/work',
      data: { a: 1 },
      attributes: {
        n: '3',
        o: '{"x":true}',
        dfchain_run_id: 'r1',
        dfchain_state: 'Ask',
        dfchain_step: 'publish-0123456789ab',
      },
    });
  });

  it('publishes null without data, and records where the token goes for a waiting Task', () => {
    const placeholder = tokenPlaceholder(IDS.step);
    const request = publishRequest({ topic: 'work' }, 'p', IDS, placeholder);
    assert.equal(request.data, null);
    assert.equal(request.tokenPlaceholder, 'dfchain-task-token:publish-0123456789ab:placeholder');
    assert.equal(JSON.stringify(placeholder), `"${placeholder}"`, 'JSON escapes none of it');
  });
});
