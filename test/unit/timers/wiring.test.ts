import { strict as assert } from 'node:assert';
import { parseConfig } from '../../../src/config.js';
import { ConfigError } from '../../../src/errors.js';
import { createTimers } from '../../../src/wiring.js';

const logger = { write: () => undefined };
const later = { name: 'r1-wait-0', runId: 'r1', dueAt: '2099-01-01T00:00:00.000Z' };

describe('createTimers (wiring): DFCHAIN_TIMERS picks the TimerPort', () => {
  it('cloudtasks (the default): Cloud Tasks, which needs DFCHAIN_TIMER_SERVICE_ACCOUNT to schedule', async () => {
    const timers = createTimers(parseConfig({ GOOGLE_CLOUD_PROJECT: 'p' }), logger);
    await assert.rejects(timers.schedule(later), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /^DFCHAIN_TIMER_SERVICE_ACCOUNT is not set/);
      return true;
    });
    await timers.close();
  });

  it('local: in this process, without any account', async () => {
    const timers = createTimers(
      parseConfig({ GOOGLE_CLOUD_PROJECT: 'p', DFCHAIN_TIMERS: 'local' }),
      logger,
    );
    await timers.schedule(later);
    await timers.close();
  });
});
