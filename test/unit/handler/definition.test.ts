import { strict as assert } from 'node:assert';
import sinon from 'sinon';
import { ChainCatalog, definitionHash } from '../../../src/chain/catalog.js';
import type { ChainDefinition } from '../../../src/chain/types.js';
import { StoreTransientError } from '../../../src/errors.js';
import { definitionFor } from '../../../src/handler/definition.js';
import { handleEvent } from '../../../src/handler/handle-event.js';
import { threeSteps } from '../../fixtures/chains.js';
import { emptyRun } from '../../fixtures/runs.js';
import {
  createKit,
  daily,
  jobEndedEvent,
  jobNameOf,
  startEvent,
  stepOf,
  storedRun,
  type Kit,
} from './kit.js';

/** "daily" edited after runs started: Ingest now skips Transform. */
function skipTransform(): ChainDefinition {
  const ingest = threeSteps.States['Ingest'];
  if (ingest?.Type !== 'Task') throw new Error('threeSteps.Ingest is a Task');
  return {
    ...threeSteps,
    States: { ...threeSteps.States, Ingest: { ...ingest, Next: 'Publish' } },
  };
}
const edited = skipTransform();

describe('handler: definitionFor', () => {
  let kit: Kit;

  beforeEach(() => {
    kit = createKit();
  });

  afterEach(() => sinon.restore());

  it('answers from the deployed chains without reading the store', async () => {
    const getDefinition = sinon.spy(kit.store, 'getDefinition');
    const run = { ...emptyRun(), definitionHash: definitionHash(threeSteps) };

    assert.equal(await definitionFor(kit.deps, run), threeSteps);
    sinon.assert.notCalled(getDefinition);
  });

  it('falls back to the definition stored when the run started', async () => {
    await kit.store.putDefinition('h1', edited);

    assert.deepEqual(await definitionFor(kit.deps, emptyRun()), edited);
  });

  it('retries the delivery when the definition is not stored yet', async () => {
    await assert.rejects(
      definitionFor(kit.deps, emptyRun()),
      (error) =>
        error instanceof StoreTransientError &&
        error.message ===
          'run r1: definition h1 of chain daily is not in the store yet; the delivery will be retried',
    );
  });

  it('keeps a run on the definition it started with after the chain is redeployed', async () => {
    await handleEvent(kit.deps, startEvent());
    const redeployed = {
      ...kit.deps,
      chains: new ChainCatalog([{ ...daily, definition: edited }]),
    };
    const ingest = kit.dataflow.setState(jobNameOf('r1', 'Ingest'), 'JOB_STATE_DONE');

    await handleEvent(redeployed, jobEndedEvent(ingest));

    const run = await storedRun(kit.store, 'r1');
    assert.equal(stepOf(run, 'Transform').status, 'LAUNCHED');
    assert.equal(
      Object.values(run.steps).find((step) => step.state === 'Publish'),
      undefined,
    );
  });
});
