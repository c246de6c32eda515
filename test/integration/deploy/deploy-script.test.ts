import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chainPrefixes } from '../../../src/chain/job-name.js';
import { loadChains } from '../../../src/chain/load.js';
import { renderFilter, sinkFilter } from '../../../src/deploy/sink-filter.js';
import {
  flag,
  isCommand,
  parseScript,
  ROOT,
  runProgram,
  type Outcome,
  type Script,
} from './shell-script.js';

const PROJECT = 'demo-proj';
const FN_SA = `serviceAccount:dfchain-fn@${PROJECT}.iam.gserviceaccount.com`;
const TRIGGER_SA = `serviceAccount:dfchain-trigger@${PROJECT}.iam.gserviceaccount.com`;
const SAMPLE = {
  PROJECT_NUMBER: '123456789012',
  WRITER_IDENTITY: 'serviceAccount:service-123456789012@gcp-sa-logging.iam.gserviceaccount.com',
  EVENTARC_TRIGGER: 'dfchain-123456',
  TRIGGER_SUBSCRIPTION: `projects/${PROJECT}/subscriptions/eventarc-europe-west4-dfchain-123456-sub-001`,
};
const PUBSUB_AGENT = `serviceAccount:service-${SAMPLE.PROJECT_NUMBER}@gcp-sa-pubsub.iam.gserviceaccount.com`;
const NO_ACCOUNT = /You do not currently have an active account selected/;

/** Environment without any Google credentials or gcloud settings of the machine. */
function bareEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) =>
        !key.startsWith('CLOUDSDK_') &&
        key !== 'GOOGLE_APPLICATION_CREDENTIALS' &&
        key !== 'GOOGLE_CLOUD_PROJECT',
    ),
  );
  return { ...env, ...extra };
}

function deploySh(...args: string[]): Promise<Outcome> {
  return runProgram('bash', ['infra/deploy.sh', ...args], { cwd: ROOT, env: bareEnv() });
}

async function dryRun(...args: string[]): Promise<Script> {
  const outcome = await deploySh('--dry-run', '--project', PROJECT, ...args);
  assert.equal(outcome.code, 0, outcome.stderr);
  return parseScript(outcome.stdout, SAMPLE);
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
        .replace(/dfchain-(?:events-dead|events|fn|trigger)/g, 'dfchain-*'),
    )
    .join(' ');
}

/** Maps `items` through `task`, at most `limit` at a time. */
async function mapLimited<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>) {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
}

describe('infra/deploy.sh', function () {
  this.timeout(120_000);
  let deploy: Script;
  let teardown: Script;
  let withEventarc: Script;

  before(async () => {
    assert.ok(
      existsSync(join(ROOT, 'dist/cli/sink-filter.js')),
      'dist/cli/sink-filter.js is missing: run npm run build first (npm test does)',
    );
    [deploy, teardown, withEventarc] = await Promise.all([
      dryRun('--region', 'europe-west4'),
      dryRun('--teardown'),
      dryRun('--eventarc'),
    ]);
  });

  it('prints only commands that the real gcloud accepts (offline: exit 1 for no account)', async () => {
    const config = mkdtempSync(join(tmpdir(), 'dfchain-gcloud-'));
    try {
      const env = bareEnv({ CLOUDSDK_CONFIG: config, CLOUDSDK_CORE_DISABLE_PROMPTS: '1' });
      const all = [...deploy.commands, ...teardown.commands, ...withEventarc.commands];
      const unique = [...new Map(all.map((c) => [shape(c), c])).values()];
      const outcomes = await mapLimited(unique, 2, (command) =>
        runProgram('gcloud', command.slice(1), { cwd: config, env }),
      );
      const rejected = outcomes.flatMap((outcome, i) =>
        outcome.code === 1 && NO_ACCOUNT.test(outcome.stderr)
          ? []
          : [`exit ${outcome.code}: ${unique[i]!.join(' ')}\n${outcome.stderr}`],
      );
      assert.deepEqual(rejected, []);
      assert.ok(unique.length >= 30, `only ${unique.length} distinct commands`);
    } finally {
      rmSync(config, { recursive: true, force: true });
    }
  });

  it('deploys the function with retries, its own service accounts and no public access', () => {
    const deploys = deploy.commands.filter((c) => isCommand(c, 'functions', 'deploy'));
    assert.equal(deploys.length, 1);
    const command = deploys[0]!;
    for (const word of ['--gen2', '--retry', '--no-allow-unauthenticated', '--source=.']) {
      assert.ok(command.includes(word), word);
    }
    assert.equal(flag(command, 'runtime'), 'nodejs20');
    assert.equal(flag(command, 'entry-point'), 'dfchain');
    assert.equal(flag(command, 'trigger-topic'), 'dfchain-events');
    assert.equal(flag(command, 'service-account'), FN_SA.slice('serviceAccount:'.length));
    assert.equal(flag(command, 'trigger-service-account'), TRIGGER_SA.slice(15));
    assert.equal(
      flag(command, 'set-env-vars'),
      'GOOGLE_CLOUD_PROJECT=demo-proj,DFCHAIN_CHAINS_DIR=dag',
    );
    const everything = [...deploy.commands, ...withEventarc.commands].flat().join(' ');
    assert.doesNotMatch(everything, /--allow-unauthenticated|allUsers|allAuthenticatedUsers/);
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
    const fn = FN_SA.slice(15);
    assert.deepEqual(bindings(deploy), [
      `pubsub topics dfchain-events-dead | ${PUBSUB_AGENT} | roles/pubsub.publisher`,
      `projects demo-proj | serviceAccount:${fn} | roles/dataflow.developer`,
      `projects demo-proj | serviceAccount:${fn} | roles/datastore.user`,
      `projects demo-proj | serviceAccount:${fn} | roles/logging.logWriter`,
      `iam service-accounts 123456789012-compute@developer.gserviceaccount.com | serviceAccount:${fn} | roles/iam.serviceAccountUser`,
      `pubsub topics dfchain-events | ${SAMPLE.WRITER_IDENTITY} | roles/pubsub.publisher`,
      `run services dfchain | ${TRIGGER_SA} | roles/run.invoker`,
      `pubsub subscriptions ${SAMPLE.TRIGGER_SUBSCRIPTION} | ${PUBSUB_AGENT} | roles/pubsub.subscriber`,
    ]);
    const roles = [...deploy.commands, ...withEventarc.commands].map((c) => flag(c, 'role'));
    assert.ok(!roles.some((role) => /roles\/(editor|owner)$/.test(role ?? '')), roles.join());
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

  it('adds the Dataflow statusChanged trigger only with --eventarc', () => {
    const trigger = (script: Script) =>
      script.commands.find((c) => isCommand(c, 'eventarc', 'triggers', 'create'));
    assert.equal(trigger(deploy), undefined);
    const command = trigger(withEventarc)!;
    assert.equal(
      flag(command, 'event-filters'),
      'type=google.cloud.dataflow.job.v1beta3.statusChanged',
    );
    assert.equal(flag(command, 'destination-run-service'), 'dfchain');
    assert.equal(flag(command, 'service-account'), TRIGGER_SA.slice(15));
    assert.ok(
      bindings(withEventarc).includes(
        `projects demo-proj | ${TRIGGER_SA} | roles/eventarc.eventReceiver`,
      ),
    );
  });

  it('tears down what it creates, and nothing is created while tearing down', () => {
    const verbs = teardown.commands.map((c) => c.slice(1).join(' '));
    assert.ok(!verbs.some((v) => / (create|deploy|add-iam-policy-binding|update) /.test(v)));
    const deletes = teardown.commands
      .filter((c) => c.includes('delete'))
      .map((c) => c.slice(1, c.indexOf('delete') + 2).join(' '));
    assert.deepEqual(deletes, [
      'eventarc triggers delete dfchain-dataflow',
      'scheduler jobs delete dfchain-tick',
      'functions delete dfchain',
      'logging sinks delete dfchain-jobs',
      'pubsub subscriptions delete dfchain-events-dead',
      'pubsub topics delete dfchain-events',
      'pubsub topics delete dfchain-events-dead',
      'iam service-accounts delete dfchain-fn@demo-proj.iam.gserviceaccount.com',
      'iam service-accounts delete dfchain-trigger@demo-proj.iam.gserviceaccount.com',
    ]);
  });

  it('refuses invalid chains before printing any command', async () => {
    const outcome = await deploySh(
      '--dry-run',
      '--project',
      PROJECT,
      '--chains-dir',
      'test/fixtures/invalid-chains',
    );
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
    const outcome = await deploySh('--dry-run');
    assert.equal(outcome.code, 2);
    assert.equal(outcome.stdout, '');
    assert.equal(
      outcome.stderr,
      'deploy.sh: no project: pass --project P or set GOOGLE_CLOUD_PROJECT\n',
    );
  });
});
