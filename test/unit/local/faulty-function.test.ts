import { strict as assert } from 'node:assert';
import type { TimerPort } from '../../../src/timers/port.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ChainCatalog } from '../../../src/chain/catalog.js';
import { systemClock } from '../../../src/clock.js';
import { parseConfig } from '../../../src/config.js';
import type { DataflowPort } from '../../../src/dataflow/port.js';
import { ConfigError, StoreTransientError } from '../../../src/errors.js';
import type { HandlerDeps } from '../../../src/handler/deps.js';
import { withLocalFaults } from '../../../src/local/faulty-deps.js';
import { FAULTY_FUNCTION_MODULE, functionSource } from '../../../src/local/function-process.js';
import { PACKAGE_ROOT } from '../../../src/local/stack.js';
import { MemoryRunStore } from '../../../src/store/memory.js';
import { createDeps, refuseLocalFaults } from '../../../src/wiring.js';

const REFUSAL =
  'DFCHAIN_LOCAL_FAULTS is set, but it is a local-stack testing switch served only by the local entry point (functions-framework --source=dist/local/faulty-function.js, which the local stack picks when the variable is set); unset it for the production entry';

function baseDeps(): HandlerDeps {
  const unused = () => Promise.reject(new Error('not called'));
  // Every method rejects, whatever the port's methods are: only the wrapping is under test.
  const dataflow = new Proxy({}, { get: () => unused }) as DataflowPort;
  return {
    projectId: 'p',
    chains: new ChainCatalog([]),
    dataflow,
    store: new MemoryRunStore(),
    storage: { listObjects: unused, readObject: unused },
    clock: systemClock,
    logger: { write: () => undefined },
    confirmDeadlineMs: 1000,
    confirmPollMs: 10,
    launchLeaseMs: 20_000,
    dataflowCallMs: 10_000,
    newToken: () => 't',
    newNonce: () => 'n',
    timers: new Proxy({}, { get: () => unused }) as TimerPort,
  };
}

describe('local: the fault-injecting entry point', () => {
  it('production refuses DFCHAIN_LOCAL_FAULTS with a ConfigError naming the local entry', () => {
    const config = parseConfig({ GOOGLE_CLOUD_PROJECT: 'p', DFCHAIN_LOCAL_FAULTS: 'store=0.2' });
    assert.throws(() => refuseLocalFaults(config), { name: ConfigError.name, message: REFUSAL });
    assert.throws(() => createDeps(config), { name: ConfigError.name, message: REFUSAL });
  });

  it('production accepts a config without local faults', () => {
    refuseLocalFaults(parseConfig({ GOOGLE_CLOUD_PROJECT: 'p' }));
  });

  it('wraps only the store and the Dataflow port, keeping every other dependency', async () => {
    const deps = baseDeps();
    const faulty = withLocalFaults(deps, { storeFaultRate: 1, crashRate: 0, seed: 7 }, 1);
    assert.notEqual(faulty.store, deps.store);
    assert.notEqual(faulty.dataflow, deps.dataflow);
    const { store, dataflow, ...rest } = faulty;
    const { store: _s, dataflow: _d, ...baseRest } = deps;
    assert.deepEqual(rest, baseRest);
    assert.equal(rest.chains, deps.chains);
    // Every store call fails at rate 1: the decorator is really in place.
    await assert.rejects(store.get('r1'), StoreTransientError);
    // Only launches can crash: the other calls are the inner port's.
    assert.equal(typeof dataflow.launchFlexTemplate, 'function');
  });

  it('passes calls through at rate 0', async () => {
    const deps = baseDeps();
    const faulty = withLocalFaults(deps, { storeFaultRate: 0, crashRate: 0, seed: 7 }, 1);
    assert.equal(await faulty.store.get('r1'), undefined);
  });

  it('the local stack serves the package main, or the local entry when faults are set', () => {
    const root = '/pkg';
    assert.equal(functionSource(root, {}, {}), root);
    assert.equal(functionSource(root, { DFCHAIN_LOCAL_FAULTS: ' ' }, {}), root);
    const faulty = join(root, FAULTY_FUNCTION_MODULE);
    assert.equal(functionSource(root, { DFCHAIN_LOCAL_FAULTS: 'crash=0.04' }, {}), faulty);
    // The child inherits the parent's environment, so an inherited switch counts too.
    assert.equal(functionSource(root, {}, { DFCHAIN_LOCAL_FAULTS: 'store=0.2' }), faulty);
    assert.equal(
      functionSource(root, { DFCHAIN_LOCAL_FAULTS: '' }, { DFCHAIN_LOCAL_FAULTS: 'store=0.2' }),
      root,
    );
  });

  it('names the module that the build emits for the entry in src/local', () => {
    const source = FAULTY_FUNCTION_MODULE.replace(/^dist\//, 'src/').replace(/\.js$/, '.ts');
    assert.equal(source, 'src/local/faulty-function.ts');
    assert.ok(existsSync(join(PACKAGE_ROOT, source)), source);
  });
});
