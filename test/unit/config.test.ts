import { strict as assert } from 'node:assert';
import { LEASE_MARGIN_MS, parseConfig } from '../../src/config.js';
import { ConfigError } from '../../src/errors.js';
import { DEFAULT_PRICE_TABLE } from '../../src/cost/prices.js';

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
      timers: 'cloudtasks',
      topic: 'dfchain-events',
      tasksQueue: 'dfchain-timers',
      tasksLocation: 'us-central1',
      maxActiveJobs: 25,
      quotaRetryMs: 30_000,
      prices: DEFAULT_PRICE_TABLE,
    });
  });

  it('reads the price table from DFCHAIN_PRICES, and names the variable when it is wrong', () => {
    const prices = parseConfig({
      ...BASE,
      DFCHAIN_PRICES: JSON.stringify({
        source: 'billing export',
        date: '2026-12-01',
        regions: { 'europe-west4': { batch: { vcpuHour: 0.0631 } } },
      }),
    }).prices;
    assert.equal(prices.source, 'billing export');
    assert.throws(
      () => parseConfig({ ...BASE, DFCHAIN_PRICES: '{"regions": 3}' }),
      (error: unknown) => error instanceof ConfigError && /DFCHAIN_PRICES/.test(error.message),
    );
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

  it('reads the Cloud Run Admin API root URL, and leaves it unset by default (Google)', () => {
    assert.equal(
      parseConfig({ ...BASE, DFCHAIN_RUN_ROOT_URL: 'http://127.0.0.1:9/' }).runRootUrl,
      'http://127.0.0.1:9/',
    );
    assert.equal('runRootUrl' in parseConfig(BASE), false);
  });

  it('parses the confirmation poll interval in seconds', () => {
    assert.equal(parseConfig({ ...BASE, DFCHAIN_CONFIRM_POLL_SECONDS: '1' }).confirmPollMs, 1000);
  });

  const errors: [NodeJS.ProcessEnv, string][] = [
    [
      {},
      'GOOGLE_CLOUD_PROJECT is not set: set it to the project that owns the runs and the Dataflow jobs (gcloud functions deploy --update-env-vars GOOGLE_CLOUD_PROJECT=…)',
    ],
    [{ ...BASE, DFCHAIN_STORE: 'redis' }, 'DFCHAIN_STORE="redis" is not one of firestore, memory'],
    [
      { ...BASE, DFCHAIN_DATAFLOW_ROOT_URL: 'localhost:9' },
      'DFCHAIN_DATAFLOW_ROOT_URL="localhost:9" is not an http(s) URL; use e.g. http://127.0.0.1:8089/ or unset it for Google\'s API',
    ],
    [
      { ...BASE, DFCHAIN_RUN_ROOT_URL: 'run.local' },
      'DFCHAIN_RUN_ROOT_URL="run.local" is not an http(s) URL; use e.g. http://127.0.0.1:8089/ (the simulator serves both APIs) or unset it for Google\'s API',
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

describe('config: timers', () => {
  const SA = 'dfchain-fn@p.iam.gserviceaccount.com';
  /** What Cloud Run sets in a deployed function's container. */
  const DEPLOYED = { ...BASE, K_SERVICE: 'dfchain' };

  it('defaults to Cloud Tasks, queue dfchain-timers in us-central1, topic dfchain-events', () => {
    const { timers, topic, tasksQueue, tasksLocation, timerServiceAccount } = parseConfig(BASE);
    assert.deepEqual(
      { timers, topic, tasksQueue, tasksLocation, timerServiceAccount },
      {
        timers: 'cloudtasks',
        topic: 'dfchain-events',
        tasksQueue: 'dfchain-timers',
        tasksLocation: 'us-central1',
        timerServiceAccount: undefined,
      },
    );
  });

  it('reads every timer variable', () => {
    const config = parseConfig({
      ...DEPLOYED,
      DFCHAIN_TIMERS: 'cloudtasks',
      DFCHAIN_TOPIC: 'events.v2',
      DFCHAIN_TASKS_QUEUE: 'Timers-2',
      DFCHAIN_TASKS_LOCATION: 'europe-west4',
      DFCHAIN_TIMER_SERVICE_ACCOUNT: SA,
    });
    assert.deepEqual(
      [
        config.timers,
        config.topic,
        config.tasksQueue,
        config.tasksLocation,
        config.timerServiceAccount,
      ],
      ['cloudtasks', 'events.v2', 'Timers-2', 'europe-west4', SA],
    );
    assert.equal(parseConfig({ ...BASE, DFCHAIN_TIMERS: 'local' }).timers, 'local');
  });

  it('a deployed function (K_SERVICE set by Cloud Run) with Cloud Tasks timers needs DFCHAIN_TIMER_SERVICE_ACCOUNT', () => {
    assert.throws(
      () => parseConfig(DEPLOYED),
      new ConfigError(
        "DFCHAIN_TIMER_SERVICE_ACCOUNT is not set: with DFCHAIN_TIMERS=cloudtasks each timer's task publishes to the topic with an OAuth token of that account; set it to the function's service account, NAME@PROJECT.iam.gserviceaccount.com (infra/deploy.sh does), or set DFCHAIN_TIMERS=local",
      ),
    );
    assert.equal(
      parseConfig({ ...DEPLOYED, DFCHAIN_TIMER_SERVICE_ACCOUNT: SA }).timerServiceAccount,
      SA,
    );
    assert.equal(parseConfig({ ...DEPLOYED, DFCHAIN_TIMERS: 'local' }).timers, 'local');
  });

  it('elsewhere (tests with DFCHAIN_STORE=memory, the CLI, a laptop) it starts without the account', () => {
    assert.equal(parseConfig({ ...BASE, DFCHAIN_STORE: 'memory' }).timerServiceAccount, undefined);
    assert.equal(
      parseConfig({ DFCHAIN_DATAFLOW_ROOT_URL: 'http://127.0.0.1:9/' }).timers,
      'cloudtasks',
    );
  });

  const errors: [NodeJS.ProcessEnv, string][] = [
    [
      { ...BASE, DFCHAIN_TIMERS: 'cloud-tasks' },
      'DFCHAIN_TIMERS="cloud-tasks" is not one of cloudtasks, local (cloudtasks: a Cloud Tasks queue, for a deployed function; local: in this process, for the local stack)',
    ],
    [
      { ...BASE, DFCHAIN_TOPIC: 'projects/p/topics/dfchain-events' },
      'DFCHAIN_TOPIC="projects/p/topics/dfchain-events" is not a Pub/Sub topic id (3-255 letters, digits and - _ . ~ + %, starting with a letter, not with "goog"); name the topic alone, not projects/…/topics/…, or unset it for dfchain-events',
    ],
    [
      { ...BASE, DFCHAIN_TOPIC: 'google-events' },
      'DFCHAIN_TOPIC="google-events" is not a Pub/Sub topic id (3-255 letters, digits and - _ . ~ + %, starting with a letter, not with "goog"); name the topic alone, not projects/…/topics/…, or unset it for dfchain-events',
    ],
    [
      { ...BASE, DFCHAIN_TOPIC: 'ab' },
      'DFCHAIN_TOPIC="ab" is not a Pub/Sub topic id (3-255 letters, digits and - _ . ~ + %, starting with a letter, not with "goog"); name the topic alone, not projects/…/topics/…, or unset it for dfchain-events',
    ],
    [
      { ...BASE, DFCHAIN_TASKS_QUEUE: 'dfchain_timers' },
      'DFCHAIN_TASKS_QUEUE="dfchain_timers" is not a Cloud Tasks queue id (1-100 letters, digits and \'-\'); name the queue alone, not projects/…/queues/…, or unset it for dfchain-timers',
    ],
    [
      { ...BASE, DFCHAIN_TASKS_QUEUE: 'q'.repeat(101) },
      `DFCHAIN_TASKS_QUEUE="${'q'.repeat(101)}" is not a Cloud Tasks queue id (1-100 letters, digits and '-'); name the queue alone, not projects/…/queues/…, or unset it for dfchain-timers`,
    ],
    [
      { ...BASE, DFCHAIN_TASKS_LOCATION: 'europe' },
      'DFCHAIN_TASKS_LOCATION="europe" is not a Cloud Tasks location such as europe-west4: set it to the queue\'s region, or unset it for us-central1',
    ],
    [
      { ...BASE, DFCHAIN_TIMER_SERVICE_ACCOUNT: 'dfchain-fn' },
      'DFCHAIN_TIMER_SERVICE_ACCOUNT="dfchain-fn" is not a service account email (NAME@PROJECT.iam.gserviceaccount.com): set it to the function\'s service account',
    ],
  ];
  for (const [env, message] of errors) {
    it(`rejects ${JSON.stringify(env).slice(0, 80)} naming the variable and the fix`, () => {
      assert.throws(() => parseConfig(env), new ConfigError(message));
    });
  }

  it('accepts the longest queue id and a topic id with every allowed character', () => {
    assert.equal(
      parseConfig({ ...BASE, DFCHAIN_TASKS_QUEUE: 'q'.repeat(100) }).tasksQueue,
      'q'.repeat(100),
    );
    assert.equal(parseConfig({ ...BASE, DFCHAIN_TOPIC: 'Ev-_.~+%1' }).topic, 'Ev-_.~+%1');
    assert.equal(
      parseConfig({ ...BASE, DFCHAIN_TASKS_LOCATION: 'northamerica-northeast1' }).tasksLocation,
      'northamerica-northeast1',
    );
  });
});
