import { strict as assert } from 'node:assert';
import { chainProblems } from '../../../src/chain/validate.js';
import type { JsonObject } from '../../../src/json.js';

function chain(task: JsonObject, defaults?: JsonObject): JsonObject {
  return {
    StartAt: 'Ask',
    ...(defaults ? { Defaults: defaults } : {}),
    States: { Ask: { Type: 'Task', End: true, ...task } },
  };
}

const lines = (json: unknown, paths = false): string[] =>
  chainProblems(json, { paths }).map((p) => `${p.path}: ${p.message}`);

describe('chain validation: pubsub:publish Tasks', () => {
  it('accepts a publish without a Region, with data, attributes and paths', () => {
    const task = {
      Resource: 'pubsub:publish',
      Parameters: {
        topic: 'projects/p/topics/news',
        data: { 'day.$': '$$.Execution.Input.day', fixed: [1, { a: true }] },
        attributes: { kind: 'daily', 'run.$': '$$.Execution.Id' },
      },
    };
    assert.deepEqual(lines(chain(task), true), []);
  });

  it('accepts a waiting Task that hands $$.Task.Token over, in data or through an intrinsic', () => {
    const inData = {
      Resource: 'pubsub:publish.waitForTaskToken',
      Parameters: { topic: 'work', data: { 'token.$': '$$.Task.Token' } },
      HeartbeatSeconds: 60,
      TimeoutSeconds: 3600,
    };
    const inFormat = {
      Resource: 'pubsub:publish.waitForTaskToken',
      Parameters: {
        'topic.$': '$.topic',
        attributes: { 't.$': "States.Format('{}', $$.Task.Token)" },
      },
    };
    assert.deepEqual(lines(chain(inData), true), []);
    assert.deepEqual(lines(chain(inFormat), true), []);
  });

  it('requires a topic, and a waiting Task to pass its token', () => {
    assert.deepEqual(
      lines(chain({ Resource: 'pubsub:publish.waitForTaskToken', Parameters: { data: {} } })),
      [
        'States.Ask.Parameters: a pubsub:publish Task needs "topic" (projects/P/topics/T, or T in the function\'s project) or "topic.$"',
        'States.Ask.Parameters: a .waitForTaskToken Task must hand $$.Task.Token to its workload (e.g. "data": {"token.$": "$$.Task.Token"}), or no callback can ever complete it',
      ],
    );
  });

  it('refuses a malformed topic and fields Pub/Sub does not take', () => {
    const task = {
      Resource: 'pubsub:publish',
      Parameters: { topic: 'projects/p/topic/x', message: 'hi', attributes: { n: 3 } },
    };
    const found = lines(chain(task));
    assert.equal(found.length, 3, found.join('\n'));
    assert.match(
      found.join('\n'),
      /States\.Ask\.Parameters: unknown field "message" \(allowed: topic, topic\.\$, data, data\.\$, attributes, attributes\.\$\)/,
    );
    assert.ok(
      found.includes(
        'States.Ask.Parameters.topic: "projects/p/topic/x" is not a Pub/Sub topic: use "projects/PROJECT/topics/TOPIC", or TOPIC for a topic of the function\'s project (3 to 255 letters, digits, "-", "_", ".", "~", "+" or "%", starting with a letter)',
      ),
      found.join('\n'),
    );
    assert.match(found.join('\n'), /States\.Ask\.Parameters\.attributes\.n: /);
  });

  it('refuses $$.Task.Token outside a waiting Task', () => {
    const task = {
      Resource: 'pubsub:publish',
      Parameters: { topic: 'news', data: { 'token.$': '$$.Task.Token' } },
    };
    assert.deepEqual(lines(chain(task), true), [
      'States.Ask.Parameters.data.token.$: "$$.Task.Token" will not be found: $$.Task.Token exists only in the Parameters of a Task whose Resource ends in .waitForTaskToken',
    ]);
  });

  it('still requires a Region of Dataflow Tasks', () => {
    const task = {
      Resource: 'dataflow:flexTemplate',
      Parameters: { jobName: 'ingest', containerSpecGcsPath: 'gs://b/t.json' },
    };
    assert.deepEqual(lines(chain(task)), [
      'States.Ask.Region: required (or set Defaults.Region for every Task)',
    ]);
  });
});
