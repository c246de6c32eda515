import { strict as assert } from 'node:assert';
import { ChainCatalog } from '../../src/chain/catalog.js';
import type { Chain } from '../../src/chain/types.js';
import { handleEvent } from '../../src/handler/handle-event.js';
import { timedHandling, type DeliveryTiming } from '../../src/timing.js';
import { createKit, startEvent } from './handler/kit.js';

const classic: Chain = {
  name: 'nightly',
  file: 'nightly.json',
  definition: {
    StartAt: 'Export',
    Defaults: { Region: 'europe-west4' },
    States: {
      Export: {
        Type: 'Task',
        Resource: 'dataflow:template',
        Parameters: { jobName: 'export', gcsPath: 'gs://b/templates/export' },
        End: true,
      },
    },
  },
};

describe('timing (DFCHAIN_TIMING) of a classic template launch', () => {
  it('times the templates.launch call as dataflow.launchTemplate, named by its job', async () => {
    const kit = createKit({ chains: new ChainCatalog([classic]) });
    await timedHandling(kit.deps, handleEvent)(startEvent({ chain: 'nightly' }));

    const [timing] = kit.logger.named('handoff.timing') as unknown as DeliveryTiming[];
    const launch = timing?.calls.find((call) => call.call === 'dataflow.launchTemplate');
    assert.ok(launch, JSON.stringify(timing?.calls.map((call) => call.call)));
    assert.equal(
      launch.subject,
      kit.dataflow.launchClassic.firstCall.args[1].launchParameter.jobName,
    );
    assert.equal(kit.dataflow.launch.callCount, 0);
  });
});
