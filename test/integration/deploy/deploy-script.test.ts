import { strict as assert } from 'node:assert';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chainPrefixes } from '../../../src/chain/job-name.js';
import { loadChains } from '../../../src/chain/load.js';
import { renderFilter, sinkFilter } from '../../../src/deploy/sink-filter.js';
import { startSimulator } from '../../../src/local/simulator/index.js';
import { flag, isCommand, parseScript, ROOT, runProgram, type Script } from './shell-script.js';
import { bareEnv, deploySh, fakeGcloud, gcloudRefusals, SAMPLE, SIGNED_IN } from './deploy-env.js';

const PROJECT = 'demo-proj';
const FN_SA = `serviceAccount:dfchain-fn@${PROJECT}.iam.gserviceaccount.com`;
const TRIGGER_SA = `serviceAccount:dfchain-trigger@${PROJECT}.iam.gserviceaccount.com`;
const BUILD_SA = `dfchain-build@${PROJECT}.iam.gserviceaccount.com`;
const WORKER_SA = `dfchain-worker@${PROJECT}.iam.gserviceaccount.com`;
const MULTI = 'test/integration/deploy/chains';
const PUBSUB_AGENT = `serviceAccount:service-${SAMPLE.PROJECT_NUMBER}@gcp-sa-pubsub.iam.gserviceaccount.com`;
const NO_ACCOUNT = /You do not currently have an active account selected/;

/** The dry-run script and the warnings printed beside it. */
async function dryRunWithWarnings(...args: string[]): Promise<[Script, string[]]> {
  // The Firestore location is stated unless a test states another (or tests its absence).
  const located = args.includes('--firestore-location')
    ? args
    : [...args, '--firestore-location', 'europe-west4'];
  const outcome = await deploySh(['--dry-run', '--project', PROJECT, ...located]);
  assert.equal(outcome.code, 0, outcome.stderr);
  const warnings = outcome.stderr.split('\n').filter((l) => l.startsWith('deploy.sh: warning: '));
  return [parseScript(outcome.stdout, SAMPLE), warnings];
}

async function dryRun(...args: string[]): Promise<Script> {
  return (await dryRunWithWarnings(...args))[0];
}

/** Every `add-iam-policy-binding` as "resource | member | role". */
function bindings(script: Script): string[] {
  return script.commands.flatMap((command) => {
    const at = command.indexOf('add-iam-policy-binding');
    if (at < 0) return [];
    const resource = [...command.slice(1, at), command[at + 1]].join(' ');
    return [`${resource} | ${flag(command, 'member')} | ${flag(command, 'role')}`];
  });
}

/**
 * A command with its resource names, members and roles blanked: gcloud parses those values as
 * plain strings, so commands that differ only there are parsed alike and checked once.
 */
function shape(command: readonly string[]): string {
  return command
    .map((word) =>
      word
        .replace(/^(--(?:role|member|display-name|description)=).*/, '$1*')
        .replace(/^gs:\/\/.*/, 'gs://*')
        .replace(/dfchain-(?:events-dead|events|fn|trigger|build|worker)/g, 'dfchain-*')
        .replace(/^dfchain-(?:runs-\w+|step-duration|deadline-missed)$/, 'dfchain-metric')
        .replace(/^(--(?:config-from-file|policy-from-file|filter))=.*/, '$1=*')
        .replace(/^projects\/demo-proj\/alertPolicies\/\d+$/, 'POLICY')
        .replace(/dfchain-dataflow-[a-z0-9-]+/, 'dfchain-dataflow-*')
        .replace(/^(--(?:location|region))=.*/, '$1=*'),
    )
    .join(' ');
}

describe('infra/deploy.sh', function () {
  this.timeout(120_000);
  let deploy: Script;
  let deployWarnings: string[];
  let teardown: Script;
  let multi: Script;
  let multiWarnings: string[];
  let multiTeardown: Script;
  let noEventarc: Script;

  before(async () => {
    assert.ok(
      existsSync(join(ROOT, 'dist/cli/deploy-facts.js')),
      'dist/cli/deploy-facts.js is missing: run npm run build first (npm test does)',
    );
    const multiArgs = ['--chains-dir', MULTI, '--template-bucket', 'gs://computed-templates'];
    [[deploy, deployWarnings], teardown, [multi, multiWarnings], multiTeardown, noEventarc] =
      await Promise.all([
        dryRunWithWarnings('--region', 'europe-west4'),
        dryRun('--teardown'),
        dryRunWithWarnings(...multiArgs),
        dryRun(...multiArgs, '--teardown'),
        dryRun('--no-eventarc'),
      ]);
  });

  it('prints only commands that the real gcloud accepts (offline: exit 1 for no account)', async function () {
    // About 40 gcloud starts, two at a time, on a machine shared with other test runs.
    this.timeout(300_000);
    const all = [deploy, teardown, multi, multiTeardown, noEventarc].flatMap((s) => s.commands);
    const unique = [...new Map(all.map((c) => [shape(c), c])).values()];
    assert.deepEqual(await gcloudRefusals(unique, 2, NO_ACCOUNT), []);
    assert.ok(unique.length >= 30, `only ${unique.length} distinct commands`);
  });

  it('runtime nodejs22: deploys the function with retries, its own service accounts and no public access', () => {
    const deploys = deploy.commands.filter((c) => isCommand(c, 'functions', 'deploy'));
    assert.equal(deploys.length, 1);
    const command = deploys[0]!;
    for (const word of ['--gen2', '--retry', '--no-allow-unauthenticated', '--source=.']) {
      assert.ok(command.includes(word), word);
    }
    assert.equal(flag(command, 'runtime'), 'nodejs22');
    assert.equal(flag(command, 'entry-point'), 'dfchain');
    assert.equal(flag(command, 'trigger-topic'), 'dfchain-events');
    assert.equal(flag(command, 'service-account'), FN_SA.slice('serviceAccount:'.length));
    assert.equal(flag(command, 'trigger-service-account'), TRIGGER_SA.slice(15));
    assert.equal(
      flag(command, 'update-env-vars'),
      'GOOGLE_CLOUD_PROJECT=demo-proj,DFCHAIN_CHAINS_DIR=dag,DFCHAIN_FIRESTORE_DATABASE=dfchain,DFCHAIN_DATAFLOW_TIMEOUT_SECONDS=30,DFCHAIN_WORKER_SERVICE_ACCOUNT=dfchain-worker@demo-proj.iam.gserviceaccount.com,DFCHAIN_TIMERS=cloudtasks,DFCHAIN_TOPIC=dfchain-events,DFCHAIN_TASKS_QUEUE=dfchain-timers,DFCHAIN_TASKS_LOCATION=europe-west4,DFCHAIN_TIMER_SERVICE_ACCOUNT=dfchain-fn@demo-proj.iam.gserviceaccount.com',
    );
    const everything = [deploy, multi, noEventarc]
      .flatMap((s) => s.commands)
      .flat()
      .join(' ');
    assert.doesNotMatch(everything, /--allow-unauthenticated|allUsers|allAuthenticatedUsers/);
    assert.doesNotMatch(everything, /nodejs20/);
  });

  it('build service account: Cloud Build runs as dfchain-build with only the build roles', () => {
    const command = deploy.commands.find((c) => isCommand(c, 'functions', 'deploy'))!;
    assert.equal(
      flag(command, 'build-service-account'),
      `projects/${PROJECT}/serviceAccounts/${BUILD_SA}`,
    );
    assert.ok(
      deploy.commands.some(
        (c) => isCommand(c, 'iam', 'service-accounts', 'create') && c[4] === 'dfchain-build',
      ),
    );
    assert.deepEqual(
      bindings(deploy).filter((b) => b.includes(BUILD_SA)),
      [
        'roles/logging.logWriter',
        'roles/artifactregistry.writer',
        'roles/storage.objectViewer',
      ].map((role) => `projects demo-proj | serviceAccount:${BUILD_SA} | ${role}`),
    );
  });

  it('timeout 540s, max instances, measured memory and internal-only ingress', async () => {
    const command = deploy.commands.find((c) => isCommand(c, 'functions', 'deploy'))!;
    assert.equal(flag(command, 'timeout'), '540s');
    assert.equal(flag(command, 'max-instances'), '25');
    assert.equal(flag(command, 'memory'), '512Mi');
    assert.equal(flag(command, 'ingress-settings'), 'internal-only');
    const sized = await dryRun('--max-instances', '7', '--memory=1Gi');
    const resized = sized.commands.find((c) => isCommand(c, 'functions', 'deploy'))!;
    assert.deepEqual([flag(resized, 'max-instances'), flag(resized, 'memory')], ['7', '1Gi']);
    const bad = await deploySh(['--dry-run', '--project', PROJECT, '--max-instances', '0']);
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr, 'deploy.sh: --max-instances "0" is not a positive whole number\n');
  });

  it('eventarc per region: one statusChanged trigger in each region the chains use', () => {
    const triggers = (script: Script) =>
      script.commands.filter((c) => isCommand(c, 'eventarc', 'triggers', 'create'));
    assert.deepEqual(
      triggers(multi).map((c) => [c[4], flag(c, 'location'), flag(c, 'destination-run-region')]),
      [
        ['dfchain-dataflow-europe-west4', 'europe-west4', 'europe-west4'],
        ['dfchain-dataflow-us-central1', 'us-central1', 'europe-west4'],
      ],
    );
    for (const command of triggers(multi)) {
      assert.equal(
        flag(command, 'event-filters'),
        'type=google.cloud.dataflow.job.v1beta3.statusChanged',
      );
      assert.equal(flag(command, 'destination-run-service'), 'dfchain');
      assert.equal(flag(command, 'service-account'), TRIGGER_SA.slice(15));
    }
    assert.deepEqual(
      triggers(deploy).map((c) => c[4]),
      ['dfchain-dataflow-europe-west4'],
    );
    assert.ok(
      bindings(deploy).includes(
        `projects demo-proj | ${TRIGGER_SA} | roles/eventarc.eventReceiver`,
      ),
    );
    assert.deepEqual(triggers(noEventarc), []);
    assert.deepEqual(
      multiTeardown.commands
        .filter((c) => isCommand(c, 'eventarc', 'triggers', 'delete'))
        .map((c) => `${c[4]} ${flag(c, 'location')}`),
      ['dfchain-dataflow-europe-west4 europe-west4', 'dfchain-dataflow-us-central1 us-central1'],
    );
  });

  it('actAs on every service account a chain names, on the default worker account, and on itself (timers)', () => {
    const actAs = bindings(multi).filter((b) => b.endsWith('roles/iam.serviceAccountUser'));
    assert.deepEqual(actAs, [
      `iam service-accounts ${WORKER_SA} | ${FN_SA} | roles/iam.serviceAccountUser`,
      `iam service-accounts etl-workers@demo-proj.iam.gserviceaccount.com | ${FN_SA} | roles/iam.serviceAccountUser`,
      `iam service-accounts loader@other-proj.iam.gserviceaccount.com | ${FN_SA} | roles/iam.serviceAccountUser`,
      `iam service-accounts ${FN_SA.slice('serviceAccount:'.length)} | ${FN_SA} | roles/iam.serviceAccountUser`,
    ]);
  });

  it('timers: a Cloud Tasks queue in the region, created only when missing; the function enqueues on it alone and publishes its timers as itself', () => {
    const enabled = deploy.commands.filter((c) => isCommand(c, 'services', 'enable')).flat();
    assert.ok(enabled.includes('cloudtasks.googleapis.com'));
    const queues = deploy.commands.filter((c) => isCommand(c, 'tasks', 'queues'));
    assert.deepEqual(
      queues.map((c) => c.slice(1).join(' ')),
      [
        'tasks queues describe dfchain-timers --location=europe-west4 --project=demo-proj',
        'tasks queues create dfchain-timers --location=europe-west4 --project=demo-proj',
        `tasks queues add-iam-policy-binding dfchain-timers --location=europe-west4 --member=${FN_SA} --role=roles/cloudtasks.enqueuer --project=demo-proj`,
      ],
    );
    const queueCreate = deploy.commands.findIndex((c) => isCommand(c, 'tasks', 'queues', 'create'));
    const functionDeploy = deploy.commands.findIndex((c) => isCommand(c, 'functions', 'deploy'));
    assert.ok(queueCreate < functionDeploy, 'the queue exists before the function runs');
    const multiQueue = multi.commands.find((c) => isCommand(c, 'tasks', 'queues', 'create'))!;
    assert.equal(
      flag(multiQueue, 'location'),
      'europe-west4',
      "the function's region, not a job's",
    );
    assert.ok(
      bindings(deploy).includes(`pubsub topics dfchain-events | ${FN_SA} | roles/pubsub.publisher`),
    );
    // Torn down: the tasks purged, the queue kept (a deleted queue's name is taken for 7 days).
    assert.deepEqual(
      teardown.commands.filter((c) => isCommand(c, 'tasks', 'queues')).map((c) => c[3]),
      ['describe', 'purge', 'remove-iam-policy-binding'],
    );
  });

  it('template buckets: the function (and the workers) may read each template bucket, and a flag adds more', () => {
    const buckets = (script: Script, member: string, role: string) =>
      bindings(script)
        .filter((b) => b.startsWith('storage buckets') && b.endsWith(`| ${member} | ${role}`))
        .map((b) => b.split(' ')[2]);
    assert.deepEqual(buckets(deploy, FN_SA, 'roles/storage.objectViewer'), [
      'gs://dfchain-example',
    ]);
    assert.deepEqual(buckets(multi, FN_SA, 'roles/storage.objectViewer'), [
      'gs://multi-templates',
      'gs://multi-templates-us',
      'gs://computed-templates',
      // A Map's ItemReader bucket (chains/reader.json): the function's only.
      'gs://multi-drops',
    ]);
    const worker = `serviceAccount:${WORKER_SA}`;
    assert.deepEqual(buckets(multi, worker, 'roles/storage.objectViewer'), [
      'gs://multi-templates',
      'gs://multi-templates-us',
      'gs://computed-templates',
    ]);
    assert.deepEqual(buckets(multi, worker, 'roles/storage.objectAdmin'), ['gs://multi-temp']);
  });

  it('reader buckets: the function may list and read the bucket each Map ItemReader names; a computed one is a warning', () => {
    const readers = (script: Script, verb: string) =>
      script.commands
        .filter((c) => c.includes(verb) && c.includes('gs://multi-drops'))
        .map((c) => `${flag(c, 'member')} ${flag(c, 'role')}`);
    assert.deepEqual(readers(multi, 'add-iam-policy-binding'), [
      `${FN_SA} roles/storage.objectViewer`,
    ]);
    assert.deepEqual(readers(multiTeardown, 'remove-iam-policy-binding'), [
      `${FN_SA} roles/storage.objectViewer`,
    ]);
    assert.ok(
      multiWarnings.some((w) =>
        w.includes(
          "reader: States.Rows: the ItemReader's bucket is computed at run time (bucket.$); grant dfchain-fn roles/storage.objectViewer on each bucket it can name, by hand",
        ),
      ),
      multiWarnings.join('\n'),
    );
  });

  it('runs Tasks that name no worker account as the worker account, and says when the chains would not be uploaded', () => {
    assert.deepEqual(deployWarnings, []);
    const deployFn = deploy.commands.find((c) => isCommand(c, 'functions', 'deploy'));
    const env = deployFn?.find((word) => word.startsWith('--update-env-vars='));
    assert.match(
      env ?? '',
      /,DFCHAIN_WORKER_SERVICE_ACCOUNT=dfchain-worker@demo-proj\.iam\.gserviceaccount\.com(,|$)/,
    );
    // The fixture folder is not uploaded: the script says so (the deploy itself is not run).
    assert.deepEqual(multiWarnings, [
      "deploy.sh: warning: reader: States.Rows: the ItemReader's bucket is computed at run time (bucket.$); grant dfchain-fn roles/storage.objectViewer on each bucket it can name, by hand",
      'deploy.sh: warning: chains folder test/integration/deploy/chains is not in the upload allow-list (.gcloudignore uploads src/ and dag/ only), so the function would not find it; move the chains under dag/ or allow the folder in .gcloudignore',
    ]);
  });

  it('least privilege: a custom Dataflow role, the named database only, a dedicated worker account', () => {
    const role = deploy.commands.filter((c) => isCommand(c, 'iam', 'roles'));
    for (const verb of ['create', 'update']) {
      const command = role.find((c) => c[3] === verb)!;
      assert.equal(command[4], 'dfchainLauncher');
      assert.equal(
        flag(command, 'permissions'),
        'dataflow.jobs.create,dataflow.jobs.get,dataflow.jobs.list,dataflow.jobs.cancel,dataflow.metrics.get,run.jobs.run,run.jobs.runWithOverrides,run.executions.get,run.executions.list,run.executions.cancel',
      );
    }
    const fn = bindings(deploy).filter((b) => b.includes(`| ${FN_SA} |`));
    assert.deepEqual(fn, [
      `projects demo-proj | ${FN_SA} | projects/demo-proj/roles/dfchainLauncher`,
      `projects demo-proj | ${FN_SA} | roles/datastore.user`,
      `iam service-accounts ${WORKER_SA} | ${FN_SA} | roles/iam.serviceAccountUser`,
      `storage buckets gs://dfchain-example | ${FN_SA} | roles/storage.objectViewer`,
      `tasks queues dfchain-timers | ${FN_SA} | roles/cloudtasks.enqueuer`,
      `iam service-accounts ${FN_SA.slice('serviceAccount:'.length)} | ${FN_SA} | roles/iam.serviceAccountUser`,
      `pubsub topics dfchain-events | ${FN_SA} | roles/pubsub.publisher`,
    ]);
    const datastore = deploy.commands.find((c) => flag(c, 'role') === 'roles/datastore.user')!;
    assert.equal(
      flag(datastore, 'condition'),
      'expression=resource.name=="projects/demo-proj/databases/dfchain",title=dfchain-database-only,description=Only the dfchain database',
    );
    const create = deploy.commands.find((c) => isCommand(c, 'firestore', 'databases', 'create'))!;
    assert.deepEqual(
      [flag(create, 'database'), flag(create, 'type'), flag(create, 'location')],
      ['dfchain', 'firestore-native', 'europe-west4'],
    );
    const worker = bindings(deploy).filter((b) =>
      b.startsWith(`projects demo-proj | serviceAccount:${WORKER_SA}`),
    );
    assert.deepEqual(worker, [
      `projects demo-proj | serviceAccount:${WORKER_SA} | roles/dataflow.worker`,
      `projects demo-proj | serviceAccount:${WORKER_SA} | roles/artifactregistry.reader`,
    ]);
    const roles = [deploy, multi].flatMap((s) => s.commands).map((c) => flag(c, 'role') ?? '');
    assert.ok(
      !roles.some((r) => /roles\/(editor|owner|dataflow\.developer|dataflow\.admin)$/.test(r)),
    );
    assert.ok(
      !bindings(deploy).some((b) => b.includes(FN_SA) && b.endsWith('roles/logging.logWriter')),
    );
    assert.ok(!roles.some((r) => r.includes('compute@developer')));
    assert.doesNotMatch(
      deploy.commands.flat().join(' '),
      /-compute@developer\.gserviceaccount\.com/,
    );
  });

  it('a chain-named worker account is not given roles: only a created dfchain-worker is', async () => {
    const own = await dryRun('--worker-sa', 'mine@demo-proj.iam.gserviceaccount.com');
    assert.ok(!own.commands.some((c) => c.includes('dfchain-worker')));
    assert.ok(
      bindings(own).includes(
        `iam service-accounts mine@demo-proj.iam.gserviceaccount.com | ${FN_SA} | roles/iam.serviceAccountUser`,
      ),
    );
  });

  it('named database: --firestore-database names it, and a bad name is refused', async () => {
    const named = await dryRun('--firestore-database', 'runs-db');
    const command = named.commands.find((c) => isCommand(c, 'functions', 'deploy'))!;
    assert.match(flag(command, 'update-env-vars')!, /DFCHAIN_FIRESTORE_DATABASE=runs-db/);
    assert.match(
      flag(named.commands.find((c) => flag(c, 'role') === 'roles/datastore.user')!, 'condition')!,
      /resource\.name=="projects\/demo-proj\/databases\/runs-db"/,
    );
    const bad = await deploySh([
      '--dry-run',
      '--project',
      PROJECT,
      '--firestore-database',
      '(default)',
    ]);
    assert.equal(bad.code, 2);
    assert.match(
      bad.stderr,
      /^deploy\.sh: --firestore-database "\(default\)" is not a database id/,
    );
  });

  it('datastore mode: an existing database of that name in Datastore mode stops the deploy with the fix', async () => {
    // A stand-in gcloud: the database describes as DATASTORE_MODE, everything else succeeds.
    const bin = mkdtempSync(join(tmpdir(), 'dfchain-fake-gcloud-'));
    try {
      const fake = join(bin, 'gcloud');
      writeFileSync(
        fake,
        [
          '#!/usr/bin/env bash',
          'echo "$*" >> "$(dirname "$0")/calls"',
          'case "$*" in',
          '  "config get-value account"*) echo deployer@example.com ;;',
          '  "functions regions list"*) echo europe-west4 ;;',
          '  "projects describe"*) echo 123456789012 ;;',
          '  "firestore databases describe"*locationId*) echo europe-west4 ;;',
          '  "firestore databases describe"*) echo DATASTORE_MODE ;;',
          '  *) echo value ;;',
          'esac',
        ].join('\n'),
      );
      chmodSync(fake, 0o755);
      const outcome = await deploySh(
        ['--project', PROJECT],
        bareEnv({ PATH: `${bin}:${process.env['PATH'] ?? ''}` }),
      );
      assert.equal(outcome.code, 2, outcome.stderr);
      assert.ok(
        outcome.stderr.endsWith(
          'deploy.sh: the Firestore database "dfchain" of demo-proj is in Datastore mode, which dfchain cannot use; pass --firestore-database NAME with a new name (dfchain creates it in Native mode)\n',
        ),
        outcome.stderr,
      );
      const calls = (await runProgram('cat', [join(bin, 'calls')])).stdout;
      assert.doesNotMatch(calls, /firestore databases create|functions deploy/);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  it('sends only dfchain jobs to the topic: the sink filter is generated from dag/', () => {
    const expected = renderFilter(
      sinkFilter(chainPrefixes(loadChains(join(ROOT, 'dag')).values())),
    );
    const sinks = deploy.commands.filter((c) => isCommand(c, 'logging', 'sinks'));
    const writes = sinks.filter(
      (c) => isCommand(c, 'logging', 'sinks', 'create') || c[3] === 'update',
    );
    assert.equal(writes.length, 2);
    for (const command of writes) {
      assert.equal(command[4], 'dfchain-jobs');
      assert.equal(command[5], 'pubsub.googleapis.com/projects/demo-proj/topics/dfchain-events');
      assert.equal(flag(command, 'log-filter'), expected);
    }
  });

  it('grants exactly the roles needed, to whom they are needed', () => {
    assert.deepEqual(
      bindings(deploy).filter(
        (b) =>
          !b.includes(`| serviceAccount:${BUILD_SA} |`) &&
          !b.includes(`| serviceAccount:${WORKER_SA} |`),
      ),
      [
        `pubsub topics dfchain-events-dead | ${PUBSUB_AGENT} | roles/pubsub.publisher`,
        `projects demo-proj | ${FN_SA} | projects/demo-proj/roles/dfchainLauncher`,
        `projects demo-proj | ${FN_SA} | roles/datastore.user`,
        `iam service-accounts ${WORKER_SA} | ${FN_SA} | roles/iam.serviceAccountUser`,
        `storage buckets gs://dfchain-example | ${FN_SA} | roles/storage.objectViewer`,
        `tasks queues dfchain-timers | ${FN_SA} | roles/cloudtasks.enqueuer`,
        `iam service-accounts ${FN_SA.slice('serviceAccount:'.length)} | ${FN_SA} | roles/iam.serviceAccountUser`,
        `pubsub topics dfchain-events | ${FN_SA} | roles/pubsub.publisher`,
        `pubsub topics dfchain-events | ${SAMPLE.WRITER_IDENTITY} | roles/pubsub.publisher`,
        `run services dfchain | ${TRIGGER_SA} | roles/run.invoker`,
        `pubsub subscriptions ${SAMPLE.TRIGGER_SUBSCRIPTION} | ${PUBSUB_AGENT} | roles/pubsub.subscriber`,
        `projects demo-proj | ${TRIGGER_SA} | roles/eventarc.eventReceiver`,
      ],
    );
  });

  it('reads the sink writer identity and the trigger subscription at run time', () => {
    const lookup = (name: string) =>
      deploy.lookups
        .find((l) => l.name === name)
        ?.command.slice(1)
        .join(' ');
    assert.equal(
      lookup('WRITER_IDENTITY'),
      'logging sinks describe dfchain-jobs --project=demo-proj --format=value(writerIdentity)',
    );
    assert.equal(
      lookup('EVENTARC_TRIGGER'),
      'functions describe dfchain --gen2 --region=europe-west4 --project=demo-proj --format=value(eventTrigger.trigger.basename())',
    );
    assert.equal(
      lookup('TRIGGER_SUBSCRIPTION'),
      `eventarc triggers describe ${SAMPLE.EVENTARC_TRIGGER} --location=europe-west4 --project=demo-proj --format=value(transport.pubsub.subscription)`,
    );
    const update = deploy.commands.find((c) => isCommand(c, 'pubsub', 'subscriptions', 'update'));
    assert.deepEqual(update?.slice(1), [
      'pubsub',
      'subscriptions',
      'update',
      SAMPLE.TRIGGER_SUBSCRIPTION,
      '--dead-letter-topic=dfchain-events-dead',
      '--max-delivery-attempts=10',
      '--project=demo-proj',
    ]);
  });

  it('keeps dead letters, ticks every 5 minutes and creates Firestore only when missing', () => {
    const find = (...words: string[]) => deploy.commands.find((c) => isCommand(c, ...words));
    const dead = find('pubsub', 'subscriptions', 'create');
    assert.equal(flag(dead!, 'topic'), 'dfchain-events-dead');
    assert.equal(flag(dead!, 'message-retention-duration'), '7d');
    for (const verb of ['create', 'update']) {
      const tick = find('scheduler', 'jobs', verb, 'pubsub');
      assert.equal(flag(tick!, 'schedule'), '*/5 * * * *', verb);
      assert.equal(flag(tick!, 'message-body'), '{"dfchain":"tick"}', verb);
      assert.equal(flag(tick!, 'topic'), 'projects/demo-proj/topics/dfchain-events', verb);
    }
    assert.equal(flag(find('firestore', 'databases', 'create')!, 'location'), 'europe-west4');
  });

  it('tears down what it creates, and nothing is created while tearing down', () => {
    const verbs = teardown.commands.map((c) => c.slice(1).join(' '));
    assert.ok(!verbs.some((v) => / (create|deploy|add-iam-policy-binding|update) /.test(v)));
    const deletes = teardown.commands
      .filter((c) => c.includes('delete'))
      .map((c) => c.slice(1, c.indexOf('delete') + 2).join(' '));
    assert.deepEqual(deletes, [
      'logging metrics delete dfchain-deadline-missed',
      'logging metrics delete dfchain-runs-failed',
      'logging metrics delete dfchain-runs-started',
      'logging metrics delete dfchain-runs-succeeded',
      'logging metrics delete dfchain-step-duration',
      'eventarc triggers delete dfchain-dataflow-europe-west4',
      'scheduler jobs delete dfchain-tick',
      'functions delete dfchain',
      'logging sinks delete dfchain-jobs',
      'pubsub subscriptions delete dfchain-events-dead',
      'pubsub topics delete dfchain-events',
      'pubsub topics delete dfchain-events-dead',
      'iam service-accounts delete dfchain-fn@demo-proj.iam.gserviceaccount.com',
      'iam service-accounts delete dfchain-trigger@demo-proj.iam.gserviceaccount.com',
      'iam service-accounts delete dfchain-build@demo-proj.iam.gserviceaccount.com',
      'iam service-accounts delete dfchain-worker@demo-proj.iam.gserviceaccount.com',
    ]);
    // Every binding deploy adds is removed (bucket ones included), with the same condition.
    const removed = teardown.commands
      .filter((c) => c.includes('remove-iam-policy-binding'))
      .map((c) => `${flag(c, 'member')} ${flag(c, 'role')} ${flag(c, 'condition') ?? ''}`);
    const added = deploy.commands
      .filter((c) => c.includes('add-iam-policy-binding'))
      .filter((c) => /dfchain-(fn|build|worker|trigger)@/.test(flag(c, 'member') ?? ''))
      .filter((c) => !isCommand(c, 'run') && !isCommand(c, 'pubsub'))
      .map((c) => `${flag(c, 'member')} ${flag(c, 'role')} ${flag(c, 'condition') ?? ''}`);
    assert.deepEqual([...removed].sort(), [...added].sort());
  });

  it('alerts on missed deadlines: a log-based metric on run.deadline_missed and an alert policy on it, each made once', () => {
    const metric = (verb: string) =>
      deploy.commands.find((c) => isCommand(c, 'logging', 'metrics', verb));
    assert.deepEqual(metric('describe')?.slice(0, 5), [
      'gcloud',
      'logging',
      'metrics',
      'describe',
      'dfchain-deadline-missed',
    ]);
    for (const verb of ['create', 'update']) {
      assert.equal(metric(verb)?.[4], 'dfchain-deadline-missed', verb);
      const file = flag(metric(verb)!, 'config-from-file')!;
      assert.equal(file, join(ROOT, 'infra/metrics/dfchain-deadline-missed.json'), verb);
      const config = JSON.parse(readFileSync(file, 'utf8')) as { filter: string };
      assert.equal(config.filter, 'jsonPayload.event="run.deadline_missed"');
    }
    const policy = JSON.parse(
      readFileSync(join(ROOT, 'infra/alert-deadline-missed.json'), 'utf8'),
    ) as {
      displayName: string;
      conditions: { conditionThreshold: { filter: string } }[];
    };
    assert.equal(
      policy.conditions[0]?.conditionThreshold.filter,
      'metric.type="logging.googleapis.com/user/dfchain-deadline-missed"',
    );
    const list = deploy.commands.find(
      (c) =>
        isCommand(c, 'alpha', 'monitoring', 'policies', 'list') &&
        flag(c, 'filter') === `displayName="${policy.displayName}"`,
    );
    assert.ok(list, 'the policy is found by its display name');
    const create = deploy.commands.find(
      (c) =>
        isCommand(c, 'alpha', 'monitoring', 'policies', 'create') &&
        flag(c, 'policy-from-file') === join(ROOT, 'infra/alert-deadline-missed.json'),
    );
    assert.ok(create, 'the policy is created from infra/alert-deadline-missed.json');
    const enabled = deploy.commands.filter((c) => isCommand(c, 'services', 'enable')).flat();
    assert.ok(enabled.includes('monitoring.googleapis.com'));
    // Created before the function, so a project without Cloud Monitoring stops the deploy early.
    const at = (c: readonly string[] | undefined) => deploy.commands.indexOf(c!);
    const fn = deploy.commands.find((c) => isCommand(c, 'functions', 'deploy'));
    assert.ok(at(create) < at(fn), 'the policy comes before the function');
  });

  it('--validate-remote: asks Dataflow to validate the launches before deploying, with --validate-input', async () => {
    const outcome = await deploySh([
      '--dry-run',
      '--project',
      PROJECT,
      '--validate-remote',
      '--validate-input',
      '{"date":"2024-01-31"}',
    ]);
    assert.equal(outcome.code, 0, outcome.stderr);
    assert.equal(
      outcome.stdout.split('\n').find((line) => !line.startsWith('#')),
      `env GOOGLE_CLOUD_PROJECT=${PROJECT} node dist/cli/main.js validate --remote --chains-dir dag --input '{"date":"2024-01-31"}'`,
    );
    const lone = await deploySh(['--dry-run', '--project', PROJECT, '--validate-input', '{}']);
    assert.equal(lone.code, 2);
    assert.equal(
      lone.stderr,
      'deploy.sh: --validate-input is the input of --validate-remote; pass both\n',
    );
  });

  it('--validate-remote: a launch Dataflow refuses stops the deploy before any gcloud command', async () => {
    // Every template is unknown to this simulator, so it refuses every dry run.
    const simulator = await startSimulator({ templates: [] });
    try {
      const outcome = await deploySh(
        [
          '--project',
          PROJECT,
          '--firestore-location',
          'europe-west4',
          '--validate-remote',
          '--validate-input',
          '{"date":"2024-01-31"}',
        ],
        bareEnv({
          DFCHAIN_DATAFLOW_ROOT_URL: simulator.rootUrl,
          METADATA_SERVER_DETECTION: 'none',
        }),
      );
      assert.equal(outcome.code, 2, outcome.stderr);
      assert.equal(
        outcome.stdout.split('\n').filter((l) => l.includes('Dataflow refused')).length,
        3,
      );
      assert.ok(
        outcome.stdout.startsWith(
          'dag/example.json: States.Ingest.Parameters: Dataflow refused: Dataflow flexTemplates.launch projects/demo-proj/locations/europe-west4 (validateOnly, job ingest-',
        ),
        outcome.stdout,
      );
      assert.ok(!/^\+ gcloud/m.test(outcome.stderr), outcome.stderr);
      assert.ok(
        outcome.stderr.endsWith(
          'deploy.sh: Dataflow refused launches of the chains in dag: fix the problems above, then deploy again\n',
        ),
        outcome.stderr,
      );
      assert.equal(simulator.calls.launch, 3);
      assert.deepEqual(simulator.jobs(), []);
    } finally {
      await simulator.stop();
    }
  });

  it('refuses invalid chains before printing any command', async () => {
    const outcome = await deploySh([
      '--dry-run',
      '--project',
      PROJECT,
      '--chains-dir',
      'test/fixtures/invalid-chains',
    ]);
    assert.equal(outcome.code, 2);
    assert.equal(outcome.stdout, '');
    assert.ok(
      outcome.stderr.includes(
        'test/fixtures/invalid-chains/daily.json: States.Ingest.Next: "Pubilsh" is not a state (did you mean "Publish"?)',
      ),
      outcome.stderr,
    );
    assert.ok(
      outcome.stderr.endsWith(
        'deploy.sh: invalid chains in test/fixtures/invalid-chains: fix the problems above, then deploy again\n',
      ),
      outcome.stderr,
    );
  });

  it('names the missing project', async () => {
    const outcome = await deploySh(['--dry-run']);
    assert.equal(outcome.code, 2);
    assert.equal(outcome.stdout, '');
    assert.equal(
      outcome.stderr,
      'deploy.sh: no project: pass --project P or set GOOGLE_CLOUD_PROJECT\n',
    );
  });
});

describe('infra/deploy.sh checks its inputs before changing anything (issue 14)', function () {
  this.timeout(120_000);

  it('--region europe-west is refused before any gcloud call, with the regions it may mean', async () => {
    const gcloud = fakeGcloud(SIGNED_IN);
    try {
      const outcome = await deploySh(
        ['--project', PROJECT, '--region', 'europe-west', '--firestore-location', 'eur3'],
        gcloud.env,
      );
      assert.equal(outcome.code, 2, outcome.stderr);
      assert.equal(outcome.stdout, '');
      assert.equal(
        outcome.stderr,
        'deploy.sh: --region "europe-west" is not a region; did you mean europe-west1, europe-west4 or europe-west8? (the regions are listed in infra/regions.txt)\n',
      );
      assert.equal(gcloud.calls(), '');
      // Well formed but not a Cloud Functions (2nd gen) region: refused offline too.
      const unknown = await deploySh([
        '--dry-run',
        '--project',
        PROJECT,
        '--region',
        'us-central2',
      ]);
      assert.equal(unknown.code, 2);
      assert.match(
        unknown.stderr,
        /^deploy\.sh: --region "us-central2" is not a region where Cloud Functions \(2nd gen\) runs; did you mean us-central1/,
      );
      // Online, gcloud has the last word on the regions of this project.
      const live = await deploySh(
        ['--project', PROJECT, '--region', 'us-east5', '--firestore-location', 'eur3'],
        gcloud.env,
      );
      assert.equal(live.code, 2, live.stderr);
      assert.match(
        live.stderr,
        /--region "us-east5" is not offered to demo-proj by Cloud Functions/,
      );
      assert.doesNotMatch(gcloud.calls(), /create|deploy|add-iam-policy-binding|enable/);
    } finally {
      gcloud.cleanup();
    }
  });

  it('--project My_Proj is refused before any gcloud call, naming the id it may mean', async () => {
    const gcloud = fakeGcloud(SIGNED_IN);
    try {
      const outcome = await deploySh(
        ['--project', 'My_Proj', '--firestore-location', 'eur3'],
        gcloud.env,
      );
      assert.equal(outcome.code, 2, outcome.stderr);
      assert.equal(outcome.stdout, '');
      assert.equal(
        outcome.stderr,
        'deploy.sh: --project "My_Proj" is not a project id: 6 to 30 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen (did you mean my-proj?); pass the project\'s id, not its name or number (gcloud projects list shows it)\n',
      );
      assert.equal(gcloud.calls(), '');
      for (const bad of ['abc', 'my-project-', '1project', 'a'.repeat(31), 'example.com:proj']) {
        const refused = await deploySh(['--dry-run', '--project', bad]);
        assert.equal(refused.code, 2, bad);
        assert.match(refused.stderr, /is not a project id/, bad);
      }
      const longest = await deploySh(['--dry-run', '--project', `a${'b'.repeat(28)}9`]);
      assert.equal(longest.code, 0, longest.stderr);
    } finally {
      gcloud.cleanup();
    }
  });

  it('Firestore location stated: refused without --firestore-location and a terminal, never taken from the region silently', async () => {
    const gcloud = fakeGcloud([...SIGNED_IN, '"firestore databases describe"*) exit 1 ;;']);
    try {
      const outcome = await deploySh(['--project', PROJECT], gcloud.env);
      assert.equal(outcome.code, 2, outcome.stderr);
      assert.ok(
        outcome.stderr.endsWith(
          'deploy.sh: no --firestore-location: a new Firestore database "dfchain" would be created in europe-west4 (the region of the function), and a database\'s location is PERMANENT (it cannot be changed or moved later); this run has no terminal to ask on, so nothing was changed: pass --firestore-location europe-west4 (or a multi-region such as eur3 or nam5) and deploy again\n',
        ),
        outcome.stderr,
      );
      // Only look-ups ran.
      assert.doesNotMatch(gcloud.calls(), /create|deploy|add-iam-policy-binding|enable|update/);
      // Stated: the database is created there.
      const stated = await dryRun('--firestore-location', 'eur3');
      const create = stated.commands.find((c) => isCommand(c, 'firestore', 'databases', 'create'));
      assert.equal(flag(create!, 'location'), 'eur3');
      // A location Firestore does not have is refused, with the one it may mean.
      const bad = await deploySh([
        '--dry-run',
        '--project',
        PROJECT,
        '--firestore-location',
        'eur4',
      ]);
      assert.equal(bad.code, 2);
      assert.match(
        bad.stderr,
        /^deploy\.sh: --firestore-location "eur4" is not a Firestore location; did you mean eur3\?/,
      );
    } finally {
      gcloud.cleanup();
    }
    // An existing database keeps its location: another one is refused.
    const existing = fakeGcloud([
      ...SIGNED_IN,
      '"firestore databases describe"*locationId*) echo nam5 ;;',
    ]);
    try {
      const moved = await deploySh(
        ['--project', PROJECT, '--firestore-location', 'eur3'],
        existing.env,
      );
      assert.equal(moved.code, 2, moved.stderr);
      assert.match(
        moved.stderr,
        /the Firestore database "dfchain" of demo-proj is in nam5, and a database's location is permanent: pass --firestore-location nam5 \(or none\)/,
      );
      assert.doesNotMatch(existing.calls(), /create|deploy|add-iam-policy-binding|enable/);
    } finally {
      existing.cleanup();
    }
  });

  it('--update-env-vars keeps other variables: the function is deployed without --set-env-vars', async () => {
    const script = await dryRun('--firestore-location', 'europe-west4');
    const command = script.commands.find((c) => isCommand(c, 'functions', 'deploy'))!;
    assert.match(flag(command, 'update-env-vars')!, /^GOOGLE_CLOUD_PROJECT=demo-proj,/);
    for (const wiping of ['set-env-vars', 'env-vars-file']) {
      assert.equal(flag(command, wiping), undefined, wiping);
    }
    assert.ok(!command.includes('--clear-env-vars'));
    // The installed gcloud documents why: --set-env-vars removes every variable first.
    const help = await runProgram('gcloud', ['functions', 'deploy', '--help'], {
      env: bareEnv({ CLOUDSDK_CORE_DISABLE_PROMPTS: '1', PAGER: 'cat' }),
    });
    const bold = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
    const text = help.stdout.replace(bold, '').replace(/\s+/g, ' ');
    assert.match(
      text,
      /--set-env-vars=\[KEY=VALUE,…?\.*\] List of key-value pairs to set as environment variables\. All existing environment variables will be removed first\./,
    );
    assert.match(
      text,
      /--update-env-vars=\[KEY=VALUE,…?\.*\] List of key-value pairs to set as environment variables\. (?!All existing)/,
    );
  });

  it('a clone without npm ci: says "run npm ci first" instead of tsc: not found', async () => {
    const clone = mkdtempSync(join(tmpdir(), 'dfchain-clone-'));
    try {
      cpSync(join(ROOT, 'infra'), join(clone, 'infra'), {
        recursive: true,
        filter: (source) => !source.includes('terraform'),
      });
      cpSync(join(ROOT, 'dag'), join(clone, 'dag'), { recursive: true });
      cpSync(join(ROOT, 'package.json'), join(clone, 'package.json'));
      const outcome = await runProgram(
        'bash',
        ['infra/deploy.sh', '--dry-run', '--project', PROJECT, '--firestore-location', 'eur3'],
        { cwd: clone, env: bareEnv() },
      );
      assert.equal(outcome.code, 2, outcome.stderr);
      assert.equal(outcome.stdout, '');
      assert.equal(
        outcome.stderr,
        `deploy.sh: no node_modules/.bin/tsc in ${realpathSync(clone)}: run npm ci first (then this script builds dist/ itself)\n`,
      );
    } finally {
      rmSync(clone, { recursive: true, force: true });
    }
  });

  it('the sink-filter warning: a dry run prints the filter it sets and when to re-run; online, prefixes the deployed sink lacks are named', async () => {
    const outcome = await deploySh([
      '--dry-run',
      '--project',
      PROJECT,
      '--firestore-location',
      'eur3',
    ]);
    assert.equal(outcome.code, 0, outcome.stderr);
    const expected = renderFilter(
      sinkFilter(chainPrefixes(loadChains(join(ROOT, 'dag')).values())),
    );
    assert.ok(
      outcome.stderr.includes(
        `deploy.sh: sink filter: the deployed filter was not read (dry run); this deploy sets one selecting the job-name prefixes ingest, publish, transform: ${expected}\n` +
          'deploy.sh: re-run this deploy after adding a chain or renaming a jobName: until then the sink does not select the new prefix, and the ends of those jobs are never delivered\n',
      ),
      outcome.stderr,
    );
    // Signed in: the deployed filter (an older chain set) is read and compared.
    const old = sinkFilter(['ingest', 'legacy']);
    const gcloud = fakeGcloud([
      ...SIGNED_IN,
      `"logging sinks describe"*"value(filter)"*) echo '${renderFilter(old).replace(/'/g, "'\\''")}' ;;`,
      '"firestore databases describe"*locationId*) echo eur3 ;;',
      '"firestore databases describe"*) echo FIRESTORE_NATIVE ;;',
      '"projects describe"*) echo 123456789012 ;;',
    ]);
    try {
      const online = await deploySh(
        ['--project', PROJECT, '--firestore-location', 'eur3'],
        gcloud.env,
      );
      assert.equal(online.code, 0, online.stderr);
      assert.match(
        online.stderr,
        /deploy\.sh: warning: the deployed sink dfchain-jobs selects job-name prefixes \(ingest legacy\) that differ from the chains' \(ingest, publish, transform\): not delivered until this deploy: publish transform; no longer used: legacy; this deploy updates the filter/,
      );
      // The warning comes before anything is changed.
      const firstChange = online.stderr.indexOf('+ gcloud');
      assert.ok(online.stderr.indexOf('warning: the deployed sink') < firstChange);
    } finally {
      gcloud.cleanup();
    }
  });

  it('the dry-run plan: project, region, Firestore location, function, runtime, chains and prefixes, what is created or updated', async () => {
    const outcome = await deploySh([
      '--dry-run',
      '--project',
      PROJECT,
      '--chains-dir',
      MULTI,
      '--firestore-location',
      'eur3',
    ]);
    assert.equal(outcome.code, 0, outcome.stderr);
    const plan = outcome.stdout.split('\n').filter((line) => line.startsWith('#'));
    assert.equal(
      plan[0],
      '# dfchain deploy plan (dry run: nothing is changed, no gcloud command was run)',
    );
    const text = plan.join('\n');
    for (const line of [
      '# project:            demo-proj',
      '# region:             europe-west4 (function, its Pub/Sub trigger, scheduler job, timers queue)',
      '# Firestore:          database dfchain in eur3 (stated with --firestore-location; permanent once the database is created)',
      '# function:           dfchain (Cloud Functions 2nd gen, runtime nodejs22, 512Mi, at most 25 instances)',
      '# chain multi:        job-name prefixes extract, load',
      '# sink filter:        jobs named ^(extract|load)-<12 hex>$; re-run after adding a chain or renaming a jobName',
    ]) {
      assert.ok(plan.includes(line), `${line}\n---\n${text}`);
    }
    assert.match(
      text,
      /# creates if missing: .*Firestore database dfchain.*Eventarc triggers \(dfchain-dataflow-europe-west4, dfchain-dataflow-us-central1\)/,
    );
    assert.match(
      text,
      /# updates: {12}function dfchain \(new source; --update-env-vars keeps variables set by hand\), sink filter/,
    );
    // The plan is at the top, before the first command.
    assert.ok(outcome.stdout.indexOf('\ngcloud ') > outcome.stdout.lastIndexOf('\n#'));
    // Without --firestore-location the plan says the location is assumed, and a warning says so.
    const unstated = await deploySh(['--dry-run', '--project', PROJECT]);
    assert.equal(unstated.code, 0, unstated.stderr);
    assert.match(
      unstated.stdout,
      /^# Firestore: {10}database dfchain in europe-west4 \(NOT STATED: the region is assumed; a deploy asks, or refuses without a terminal; permanent once created\)$/m,
    );
    assert.match(unstated.stderr, /deploy\.sh: warning: no --firestore-location: .* PERMANENT/);
    const teardownPlan = await deploySh(['--dry-run', '--project', PROJECT, '--teardown']);
    assert.match(teardownPlan.stdout, /^# dfchain teardown plan/);
    assert.match(teardownPlan.stdout, /^# keeps: {14}Firestore database dfchain/m);
  });
});

describe('source archive', function () {
  this.timeout(60_000);

  it('allow-list: gcloud uploads only package files, tsconfig, src/ and dag/', async () => {
    const config = mkdtempSync(join(tmpdir(), 'dfchain-gcloud-'));
    try {
      const outcome = await runProgram('gcloud', ['meta', 'list-files-for-upload', ROOT], {
        env: bareEnv({ CLOUDSDK_CONFIG: config }),
      });
      assert.equal(outcome.code, 0, outcome.stderr);
      const files = outcome.stdout.split('\n').filter(Boolean);
      const outside = files.filter(
        (f) =>
          !/^(src|dag)\//.test(f) &&
          !['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'].includes(
            f,
          ),
      );
      assert.deepEqual(outside, []);
      for (const needed of ['package.json', 'package-lock.json', 'tsconfig.build.json']) {
        assert.ok(files.includes(needed), needed);
      }
      assert.ok(files.includes('src/index.ts') && files.includes('dag/schema.json'));
    } finally {
      rmSync(config, { recursive: true, force: true });
    }
  });
});
