import { strict as assert } from 'node:assert';
import { LEASE_MARGIN_MS, parseConfig } from '../../src/config.js';
import { ConfigError } from '../../src/errors.js';

const BASE = { GOOGLE_CLOUD_PROJECT: 'p' };

describe('config: local-stack switches', () => {
  it('has no local faults and the client timeout by default', () => {
    const config = parseConfig(BASE);
    assert.equal(config.localFaults, undefined);
    assert.equal(config.dataflowTimeoutMs, 60_000);
    assert.equal(config.launchLeaseMs, 150_000);
  });

  it('pins its documented lease limits: 150 s by default, 5 s of clock margin at each end', () => {
    assert.equal(parseConfig(BASE).launchLeaseMs, 150_000);
    assert.equal(LEASE_MARGIN_MS, 5_000);
  });

  it('parses DFCHAIN_DATAFLOW_TIMEOUT_SECONDS into milliseconds', () => {
    assert.equal(
      parseConfig({ ...BASE, DFCHAIN_DATAFLOW_TIMEOUT_SECONDS: '2.5' }).dataflowTimeoutMs,
      2500,
    );
  });

  it('rejects a DFCHAIN_DATAFLOW_TIMEOUT_SECONDS that is not a number of seconds', () => {
    assert.throws(
      () => parseConfig({ ...BASE, DFCHAIN_DATAFLOW_TIMEOUT_SECONDS: 'soon' }),
      new ConfigError(
        'DFCHAIN_DATAFLOW_TIMEOUT_SECONDS="soon" is not a number of seconds between 0 and 540; unset it to use 60',
      ),
    );
  });

  it('parses DFCHAIN_LOCAL_FAULTS once into typed rates, unset keys at their defaults', () => {
    assert.deepEqual(
      parseConfig({ ...BASE, DFCHAIN_LOCAL_FAULTS: 'store=0.2, crash=0.05' }).localFaults,
      {
        storeFaultRate: 0.2,
        crashRate: 0.05,
        seed: 1,
      },
    );
    assert.deepEqual(parseConfig({ ...BASE, DFCHAIN_LOCAL_FAULTS: 'seed=42' }).localFaults, {
      storeFaultRate: 0,
      crashRate: 0,
      seed: 42,
    });
  });

  for (const [raw, part] of [
    ['store=1.5', 'store=1.5'],
    ['crash=-0.1', 'crash=-0.1'],
    ['crash', 'crash'],
    ['storm=0.1', 'storm=0.1'],
    ['seed=1.5', 'seed=1.5'],
    ['store=0.1,', ''],
  ] as const) {
    it(`rejects DFCHAIN_LOCAL_FAULTS="${raw}", naming the variable and the bad part`, () => {
      assert.throws(
        () => parseConfig({ ...BASE, DFCHAIN_LOCAL_FAULTS: raw }),
        new ConfigError(
          `DFCHAIN_LOCAL_FAULTS="${raw}": "${part}" is not one of store=<0..1>, crash=<0..1>, seed=<integer>; it is a local-stack testing switch: unset it outside tests`,
        ),
      );
    });
  }
});

describe('config: core', () => {
  it('defaults everything but the project', () => {
    assert.deepEqual(parseConfig(BASE), {
      projectId: 'p',
      chainsDir: 'dag',
      store: 'firestore',
      confirmDeadlineMs: 120_000,
      confirmPollMs: 200,
      dataflowTimeoutMs: 60_000,
      launchLeaseMs: 150_000,
      firestoreDatabase: '(default)',
    });
  });

  it('refuses a launch lease too short for one launch call plus the clock margin', () => {
    assert.throws(
      () =>
        parseConfig({
          ...BASE,
          DFCHAIN_DATAFLOW_TIMEOUT_SECONDS: '10',
          DFCHAIN_LAUNCH_LEASE_SECONDS: '19',
        }),
      new ConfigError(
        'DFCHAIN_LAUNCH_LEASE_SECONDS=19 is shorter than one launch call (DFCHAIN_DATAFLOW_TIMEOUT_SECONDS=10) plus 10 s of clock margin: raise it to at least 20',
      ),
    );
    assert.equal(
      parseConfig({
        ...BASE,
        DFCHAIN_DATAFLOW_TIMEOUT_SECONDS: '10',
        DFCHAIN_LAUNCH_LEASE_SECONDS: '20',
      }).launchLeaseMs,
      20_000,
    );
  });

  it('names the Firestore database, and refuses an id Firestore would not take', () => {
    assert.equal(
      parseConfig({ ...BASE, DFCHAIN_FIRESTORE_DATABASE: 'dfchain' }).firestoreDatabase,
      'dfchain',
    );
    assert.throws(
      () => parseConfig({ ...BASE, DFCHAIN_FIRESTORE_DATABASE: 'Runs_DB' }),
      new ConfigError(
        'DFCHAIN_FIRESTORE_DATABASE="Runs_DB" is not a Firestore database id (4-63 lowercase letters, digits and \'-\', starting with a letter, or "(default)")',
      ),
    );
  });

  it('uses a local project id when talking to a local Dataflow', () => {
    const config = parseConfig({ DFCHAIN_DATAFLOW_ROOT_URL: 'http://127.0.0.1:9/' });
    assert.equal(config.projectId, 'dfchain-local');
    assert.equal(config.dataflowRootUrl, 'http://127.0.0.1:9/');
  });

  it('parses the confirmation poll interval in seconds', () => {
    assert.equal(parseConfig({ ...BASE, DFCHAIN_CONFIRM_POLL_SECONDS: '1' }).confirmPollMs, 1000);
  });

  const errors: [NodeJS.ProcessEnv, string][] = [
    [
      {},
      'GOOGLE_CLOUD_PROJECT is not set: set it to the project that owns the runs and the Dataflow jobs (gcloud functions deploy --set-env-vars GOOGLE_CLOUD_PROJECT=…)',
    ],
    [{ ...BASE, DFCHAIN_STORE: 'redis' }, 'DFCHAIN_STORE="redis" is not one of firestore, memory'],
    [
      { ...BASE, DFCHAIN_DATAFLOW_ROOT_URL: 'localhost:9' },
      'DFCHAIN_DATAFLOW_ROOT_URL="localhost:9" is not an http(s) URL; use e.g. http://127.0.0.1:8089/ or unset it for Google\'s API',
    ],
    [
      { ...BASE, DFCHAIN_CONFIRM_DEADLINE_SECONDS: '600' },
      'DFCHAIN_CONFIRM_DEADLINE_SECONDS="600" is not a number of seconds between 0 and 540; unset it to use 120',
    ],
  ];
  for (const [env, message] of errors) {
    it(`rejects ${JSON.stringify(env)} naming the variable`, () => {
      assert.throws(() => parseConfig(env), new ConfigError(message));
    });
  }
});
