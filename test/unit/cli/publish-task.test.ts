import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderCommand } from '../../../src/cli/render.js';
import { validateRemoteCommand } from '../../../src/cli/validate-remote.js';
import type { DataflowDryRunPort } from '../../../src/dataflow/port.js';
import type { JsonObject } from '../../../src/json.js';

const CHAIN = {
  StartAt: 'Ask',
  States: {
    Ask: {
      Type: 'Task',
      Resource: 'pubsub:publish.waitForTaskToken',
      Parameters: {
        'topic.$': '$.topic',
        data: { 'token.$': '$$.Task.Token', 'day.$': '$.date' },
        attributes: { kind: 'export' },
      },
      End: true,
    },
  },
};

const refuse = (): Promise<void> => Promise.reject(new Error('no Dataflow call expected'));
const noDataflow: DataflowDryRunPort = { validateFlexTemplate: refuse, validateTemplate: refuse };

describe('CLI: a pubsub:publish Task', () => {
  let dir: string;
  let out: string[];
  let err: string[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dfchain-publish-'));
    writeFileSync(join(dir, 'asks.json'), JSON.stringify(CHAIN));
    out = [];
    err = [];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const render = (input: string) =>
    renderCommand(
      {
        chain: join(dir, 'asks.json'),
        dir,
        input,
        state: undefined,
        runId: 'r1',
        json: false,
        env: { GOOGLE_CLOUD_PROJECT: 'p' },
        now: '2024-05-01T06:00:00.000Z',
      },
      (l) => out.push(l),
      (l) => err.push(l),
    );

  it('render shows the topic, the step name, where the token goes, and the message', () => {
    assert.equal(render('{"date":"2024-05-01","topic":"work"}'), 0, err.join('\n'));
    const text = out.join('\n');
    assert.match(text, /^ {2}resource {2}pubsub:publish\.waitForTaskToken \(topics\.publish\)$/m);
    assert.match(text, /^ {2}topic {5}projects\/p\/topics\/work$/m);
    assert.match(text, /^ {2}step {6}publish-<12 hex> \(the message's dfchain_step attribute\)$/m);
    assert.match(
      text,
      /^ {2}token {5}"dfchain-task-token:publish-<12 hex>:placeholder" stands where the run puts \$\$\.Task\.Token$/m,
    );
    assert.match(text, /"day": "2024-05-01"/);
    assert.match(text, /"dfchain_run_id": "r1"/);
    assert.doesNotMatch(text, /labels|region/);
  });

  it('validate --remote checks the topic resolves to a topic name (Pub/Sub has no dry run)', async () => {
    const run = (input: JsonObject) =>
      validateRemoteCommand(
        { dir, files: [], json: false, input, projectId: 'p' },
        noDataflow,
        (l) => out.push(l),
        (l) => err.push(l),
      );
    assert.equal(await run({ date: 'd', topic: 'work' }), 0, [...out, ...err].join('\n'));
    assert.match(err.join('\n'), /accepted 1 of 1 Task$/);
    out = [];
    assert.equal(await run({ date: 'd', topic: 'bad/topic' }), 1);
    assert.match(
      [...out, ...err].join('\n'),
      /Pub\/Sub would refuse it: States\.Ask\.Parameters\.topic: "projects\/p\/topics\/bad\/topic" is not a Pub\/Sub topic name/,
    );
  });
});
