import { strict as assert } from 'node:assert';
import { bareEnv, deploySh, fakeGcloud, gcloudRefusals, SAMPLE, SIGNED_IN } from './deploy-env.js';
import { flag, isCommand, parseScript, runProgram, type Script } from './shell-script.js';

const PROJECT = 'demo-proj';
const CHAINS = 'test/integration/deploy/triggered-chains';
const TOPIC = `//pubsub.googleapis.com/projects/${PROJECT}/topics/dfchain-events`;

/** The dry run's plan (its # lines), script and raw output. */
async function dryRun(args: string[]) {
  const outcome = await deploySh(
    ['--dry-run', '--project', PROJECT, '--firestore-location', 'europe-west4', ...args],
    bareEnv(),
  );
  assert.equal(outcome.code, 0, outcome.stderr);
  const plan = outcome.stdout.split('\n').filter((l) => l.startsWith('# '));
  return { plan, script: parseScript(outcome.stdout, SAMPLE), stdout: outcome.stdout };
}

const find = (script: Script, ...words: string[]) =>
  script.commands.filter((c) => isCommand(c, ...words));

/** A notification as `gcloud storage buckets notifications list --format=json` prints it. */
const listed = (config: object) => ({
  'Bucket URL': 'gs://partner-drops',
  'Notification Configuration': {
    etag: '1',
    id: '1',
    kind: 'storage#notification',
    selfLink: 'https://www.googleapis.com/storage/v1/b/partner-drops/notificationConfigs/1',
    topic: TOPIC,
    event_types: ['OBJECT_FINALIZE'],
    payload_format: 'JSON_API_V1',
    ...config,
  },
});

describe('infra/deploy.sh: bucket notifications of chain Triggers (issue 10)', function () {
  this.timeout(180_000);
  let triggered: Awaited<ReturnType<typeof dryRun>>;
  let plain: Awaited<ReturnType<typeof dryRun>>;

  before(async () => {
    [triggered, plain] = await Promise.all([dryRun(['--chains-dir', CHAINS]), dryRun([])]);
  });

  it('the plan lists one notification per bucket and prefix, a covered prefix left out', () => {
    assert.deepEqual(
      triggered.plan.filter((l) => l.startsWith('# notification:')),
      [
        '# notification:       gs://partner-drops objects named "in/"… (OBJECT_FINALIZE, JSON) to topic dfchain-events, unless an identical one exists',
        '# notification:       gs://partner-drops objects named "manual files/"… (OBJECT_FINALIZE, JSON) to topic dfchain-events, unless an identical one exists',
      ],
    );
    assert.deepEqual(
      plain.plan.filter((l) => l.startsWith('# triggers:')),
      ['# triggers:           none (no chain has Triggers)'],
    );
  });

  it('grants the Cloud Storage service agent publish on the events topic, once', () => {
    assert.deepEqual(
      triggered.script.lookups
        .filter((l) => l.name === 'STORAGE_AGENT')
        .map((l) => l.command.join(' ')),
      [`gcloud storage service-agent --project=${PROJECT}`],
    );
    const grants = find(triggered.script, 'pubsub', 'topics', 'add-iam-policy-binding').filter(
      (c) => flag(c, 'member') === `serviceAccount:${SAMPLE.STORAGE_AGENT}`,
    );
    assert.equal(grants.length, 1);
    assert.equal(grants[0]![4], 'dfchain-events');
    assert.equal(flag(grants[0]!, 'role'), 'roles/pubsub.publisher');
    assert.ok(!plain.stdout.includes('storage service-agent'));
  });

  it('creates each notification for OBJECT_FINALIZE as JSON on the topic, with its prefix', () => {
    const creates = find(triggered.script, 'storage', 'buckets', 'notifications', 'create');
    assert.deepEqual(
      creates.map((c) => c.slice(1)),
      ['in/', 'manual files/'].map((prefix) => [
        'storage',
        'buckets',
        'notifications',
        'create',
        'gs://partner-drops',
        `--topic=projects/${PROJECT}/topics/dfchain-events`,
        '--event-types=OBJECT_FINALIZE',
        '--payload-format=json',
        '--skip-topic-setup',
        `--object-prefix=${prefix}`,
        `--project=${PROJECT}`,
      ]),
    );
    assert.deepEqual(find(plain.script, 'storage', 'buckets', 'notifications', 'create'), []);
  });

  it('the printed check keeps an identical notification and only that', async () => {
    const line = triggered.stdout.split('\n').find((l) => l.includes('--object-prefix=in/'))!;
    const check = /\| node -e '([^']*)'/.exec(line)![1]!;
    // The list arrives on stdin, as from gcloud in the printed pipeline.
    const verdict = async (notifications: object[], prefix = 'in/') => {
      const outcome = await runProgram('bash', [
        '-c',
        'printf %s "$1" | node -e "$2" "$3" "$4"',
        'check',
        JSON.stringify(notifications),
        check,
        TOPIC,
        prefix,
      ]);
      return outcome.code;
    };
    assert.equal(await verdict([listed({ object_name_prefix: 'in/' })]), 0);
    assert.equal(await verdict([listed({})], ''), 0);
    assert.equal(await verdict([]), 1);
    assert.equal(await verdict([listed({ object_name_prefix: 'in/x' })]), 1);
    assert.equal(await verdict([listed({ object_name_prefix: 'in/', payload_format: 'NONE' })]), 1);
    assert.equal(
      await verdict([listed({ object_name_prefix: 'in/', event_types: ['OBJECT_DELETE'] })]),
      1,
    );
    assert.equal(
      await verdict([
        listed({ object_name_prefix: 'in/', topic: '//pubsub.googleapis.com/projects/p/topics/x' }),
      ]),
      1,
    );
  });

  it('online: an identical notification is kept, a missing one created', async () => {
    const existing = JSON.stringify([listed({ object_name_prefix: 'in/' })]);
    const gcloud = fakeGcloud([
      ...SIGNED_IN,
      '"firestore databases describe"*"value(locationId)"*) echo europe-west4 ;;',
      `"storage service-agent"*) echo ${SAMPLE.STORAGE_AGENT} ;;`,
      `"storage buckets notifications list"*) echo '${existing}' ;;`,
    ]);
    try {
      const outcome = await deploySh(['--project', PROJECT, '--chains-dir', CHAINS], gcloud.env);
      assert.equal(outcome.code, 0, outcome.stderr);
      const calls = gcloud.calls().split('\n');
      assert.deepEqual(
        calls.filter((c) => c.startsWith('storage buckets notifications create')),
        [
          `storage buckets notifications create gs://partner-drops --topic=projects/${PROJECT}/topics/dfchain-events --event-types=OBJECT_FINALIZE --payload-format=json --skip-topic-setup --object-prefix=manual files/ --project=${PROJECT}`,
        ],
      );
      assert.match(
        outcome.stderr,
        /\+ kept: gs:\/\/partner-drops already notifies dfchain-events of OBJECT_FINALIZE for "in\/"/,
      );
      assert.ok(
        calls.includes(
          `pubsub topics add-iam-policy-binding dfchain-events --member=serviceAccount:${SAMPLE.STORAGE_AGENT} --role=roles/pubsub.publisher --project=${PROJECT}`,
        ),
      );
    } finally {
      gcloud.cleanup();
    }
  });

  it('prints only commands that the real gcloud accepts (offline: exit 1 for no account)', async () => {
    const commands = [
      ...find(triggered.script, 'storage', 'buckets', 'notifications'),
      ...triggered.script.lookups.filter((l) => l.name === 'STORAGE_AGENT').map((l) => l.command),
    ];
    assert.equal(commands.length, 5);
    assert.deepEqual(await gcloudRefusals(commands), []);
  });
});
