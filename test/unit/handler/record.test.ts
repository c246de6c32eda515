import { strict as assert } from 'node:assert';
import { parsePriceTable } from '../../../src/cost/prices.js';
import { NO_USAGE } from '../../../src/cost/usage.js';
import type { Run } from '../../../src/engine/run.js';
import type { HandlerDeps } from '../../../src/handler/deps.js';
import { logTransition } from '../../../src/handler/record.js';
import { RecordingLogger } from './kit.js';

const RUN = {
  id: 'r1',
  chain: 'daily',
  status: 'SUCCEEDED',
  // One vCPU-hour in europe-west4.
  usage: { 'europe-west4': { ...NO_USAGE, vcpuSeconds: 3600 } },
} as unknown as Run;

const SUCCEEDED = {
  run: RUN,
  changed: true,
  effects: [],
  events: [{ event: 'run.succeeded' as const, runId: 'r1', chain: 'daily' }],
  archived: [],
};

describe('handler: logTransition prices the run end line at the deployment prices', () => {
  it('uses DFCHAIN_PRICES (deps.prices) when given, the built-in table otherwise', () => {
    const prices = parsePriceTable(
      JSON.stringify({ regions: { 'europe-west4': { batch: { vcpuHour: 1 } } } }),
    );
    const mine = new RecordingLogger();
    logTransition({ logger: mine, prices } as unknown as HandlerDeps, SUCCEEDED);
    const builtIn = new RecordingLogger();
    logTransition({ logger: builtIn } as unknown as HandlerDeps, SUCCEEDED);

    const usd = (logger: RecordingLogger) =>
      (logger.lines[0]?.['cost'] as { usd: number } | undefined)?.usd;
    assert.equal(usd(mine), 1);
    assert.equal(usd(builtIn), 0.056);
  });
});
