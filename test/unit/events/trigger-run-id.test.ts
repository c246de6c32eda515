import { strict as assert } from 'node:assert';
import { RUN_ID_PATTERN } from '../../../src/events/command.js';
import { triggerRunId } from '../../../src/events/trigger-run-id.js';

describe('triggerRunId', () => {
  const id = triggerRunId('ingest', 'partner-drops', 'in/a.csv', '1763719200123456');

  it('is the chain, "-", and 16 hex digits, the same every time', () => {
    assert.match(id, /^ingest-[0-9a-f]{16}$/);
    assert.equal(triggerRunId('ingest', 'partner-drops', 'in/a.csv', '1763719200123456'), id);
  });

  it('differs for another chain, bucket, name or generation', () => {
    const others = [
      triggerRunId('ingest2', 'partner-drops', 'in/a.csv', '1763719200123456'),
      triggerRunId('ingest', 'partner-drop', 'in/a.csv', '1763719200123456'),
      triggerRunId('ingest', 'partner-drops', 'in/b.csv', '1763719200123456'),
      triggerRunId('ingest', 'partner-drops', 'in/a.csv', '1763719200123457'),
    ];
    assert.equal(new Set([id, ...others]).size, 5);
  });

  it('does not let a separator move between fields (a|b vs a b|)', () => {
    assert.notEqual(triggerRunId('c', 'ab', 'c', '1'), triggerRunId('c', 'a', 'bc', '1'));
  });

  it('stays within RUN_ID_PATTERN for long and odd chain names', () => {
    for (const chain of ['x'.repeat(80), 'Daily Sales (EU)', '__', 'a-'.repeat(40)]) {
      const runId = triggerRunId(chain, 'b', 'n', '1');
      assert.match(runId, RUN_ID_PATTERN, runId);
      assert.equal(runId.length <= 63, true);
    }
  });
});
