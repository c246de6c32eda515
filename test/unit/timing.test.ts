import { strict as assert } from 'node:assert';
import { parseConfig } from '../../src/config.js';
import { ConfigError } from '../../src/errors.js';
import { handleEvent } from '../../src/handler/handle-event.js';
import { timedHandling, type DeliveryTiming } from '../../src/timing.js';
import { createKit, startEvent } from './handler/kit.js';

describe('timing (DFCHAIN_TIMING)', () => {
  it('is off unless DFCHAIN_TIMING=1, and refuses anything but 0 or 1', () => {
    assert.equal(parseConfig({ GOOGLE_CLOUD_PROJECT: 'p' }).timing, undefined);
    assert.equal(parseConfig({ GOOGLE_CLOUD_PROJECT: 'p', DFCHAIN_TIMING: '1' }).timing, true);
    assert.throws(
      () => parseConfig({ GOOGLE_CLOUD_PROJECT: 'p', DFCHAIN_TIMING: 'yes' }),
      new ConfigError('DFCHAIN_TIMING="yes" is not 1 (time each delivery) or 0'),
    );
  });

  it('writes one handoff.timing line per delivery listing every port call in order', async () => {
    const kit = createKit();
    await timedHandling(kit.deps, handleEvent)(startEvent());

    const lines = kit.logger.named('handoff.timing');
    assert.equal(lines.length, 1);
    const timing = lines[0] as unknown as DeliveryTiming & { severity: string };
    assert.equal(timing.severity, 'DEBUG');
    assert.deepEqual(
      timing.calls.map((call) => call.call),
      ['store.putDefinition', 'store.create', 'dataflow.launchFlexTemplate', 'store.update'],
    );
    for (const call of timing.calls) {
      assert.ok(call.atMs >= 0 && call.ms >= 0 && call.atMs + call.ms <= timing.totalMs + 0.01);
    }
    assert.equal(timing.failed, undefined);
  });
});
