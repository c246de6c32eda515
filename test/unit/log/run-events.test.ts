import { strict as assert } from 'node:assert';
import { Writable } from 'node:stream';
import type { RunEvent } from '../../../src/engine/transition.js';
import { createCloudLogger } from '../../../src/log/cloud-logging.js';
import { SEVERITIES } from '../../../src/log/port.js';
import { runEventLine } from '../../../src/log/run-events.js';

const MISSED: RunEvent = {
  event: 'run.deadline_missed',
  runId: 'r1',
  chain: 'daily',
  dueAt: '2026-11-22T07:00:00.000Z',
};

describe('log: run.deadline_missed', () => {
  it('is an ALERT naming the run, the chain and the due time, with the event fields', () => {
    assert.deepEqual(runEventLine(MISSED), {
      severity: 'ALERT',
      message:
        'run r1 of chain daily missed its deadline (due 2026-11-22T07:00:00.000Z): it is still running',
      ...MISSED,
    });
  });

  it('names the state the run is in, when the event has it', () => {
    assert.equal(
      runEventLine({ ...MISSED, state: 'Load' }).message,
      'run r1 of chain daily missed its deadline (due 2026-11-22T07:00:00.000Z): it is still running, in state Load',
    );
  });

  it('ALERT is a severity dfchain uses, and Cloud Logging gets it as the entry severity', () => {
    assert.ok((SEVERITIES as readonly string[]).includes('ALERT'));
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done): void {
        lines.push(
          ...chunk
            .toString('utf8')
            .split('\n')
            .filter((t) => t.includes('"event":')),
        );
        done();
      },
    });
    createCloudLogger('my-proj', stream).write(runEventLine(MISSED));
    assert.equal(lines.length, 1);
    const entry = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.equal(entry['severity'], 'ALERT');
    assert.equal(entry['event'], 'run.deadline_missed');
    assert.deepEqual(entry['logging.googleapis.com/labels'], {
      'dfchain.run': 'r1',
      'dfchain.chain': 'daily',
    });
  });
});
