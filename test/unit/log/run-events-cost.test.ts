import { strict as assert } from 'node:assert';
import { parsePriceTable } from '../../../src/cost/prices.js';
import { NO_USAGE } from '../../../src/cost/usage.js';
import type { Run } from '../../../src/engine/run.js';
import type { RunEvent } from '../../../src/engine/transition.js';
import { runEventLine } from '../../../src/log/run-events.js';

const HOUR = { ...NO_USAGE, vcpuSeconds: 3600, memoryMbSeconds: 1024 * 3600 };
const RUN = {
  id: 'r1',
  chain: 'daily',
  usage: { 'us-central1': HOUR, 'us-central1/flexrs': HOUR },
} as Partial<Run> as Run;
const SUCCEEDED: RunEvent = { event: 'run.succeeded', runId: 'r1', chain: 'daily', output: {} };

describe('log: a run end line carries the run total usage and estimated cost', () => {
  it('run.succeeded: usage summed over classes, each class priced at its rates', () => {
    // batch 0.056 + 0.003557; FlexRS 0.0336 + 0.0021342: 0.0952912
    assert.deepEqual(runEventLine(SUCCEEDED, RUN), {
      severity: 'NOTICE',
      message: 'run r1 of chain daily succeeded (estimated cost 0.0953 USD)',
      ...SUCCEEDED,
      usage: { ...NO_USAGE, vcpuSeconds: 7200, memoryMbSeconds: 2 * 1024 * 3600 },
      cost: {
        usd: 0.0953,
        vcpu: 0.0896,
        memory: 0.0057,
        pd: 0,
        ssd: 0,
        shuffle: 0,
        streaming: 0,
        currency: 'USD',
      },
    });
  });

  it('run.failed and run.cancelled carry it too, at the prices given', () => {
    const prices = parsePriceTable('{"regions": {"us-central1": {"batch": {"vcpuHour": 1}}}}');
    const failed: RunEvent = {
      event: 'run.failed',
      runId: 'r1',
      chain: 'daily',
      error: { Error: 'E', Cause: 'c' },
    };
    const line = runEventLine(failed, RUN, prices);
    assert.equal(line.message, 'run r1 of chain daily failed: E: c (estimated cost 1.0393 USD)');
    const cancelled = runEventLine(
      {
        event: 'run.cancelled',
        runId: 'r1',
        chain: 'daily',
        error: { Error: 'C', Cause: 'by me' },
      },
      RUN,
    );
    assert.equal((cancelled['cost'] as { usd: number }).usd, 0.0953);
  });

  it('other lines, and end lines of runs that recorded no usage, are as before', () => {
    const confirmed: RunEvent = { event: 'job.confirmed', runId: 'r1', chain: 'daily' };
    assert.equal(runEventLine(confirmed, RUN)['cost'], undefined);
    const bare = { ...RUN, usage: undefined } as Run;
    assert.deepEqual(runEventLine(SUCCEEDED, bare), runEventLine(SUCCEEDED));
    assert.equal(
      runEventLine(SUCCEEDED, { ...RUN, usage: {} }).message,
      'run r1 of chain daily succeeded',
    );
  });
});
