import { strict as assert } from 'node:assert';
import { bareEnv, deploySh, fakeGcloud, gcloudRefusals, SAMPLE, SIGNED_IN } from './deploy-env.js';
import { flag, isCommand, parseScript, runProgram, type Script } from './shell-script.js';

const PROJECT = 'demo-proj';
const CHAINS = 'test/integration/deploy/publishing-chains';
const FN_SA = `serviceAccount:dfchain-fn@${PROJECT}.iam.gserviceaccount.com`;
const TOPICS = ['projects/partner-proj/topics/team-notices', 'reconcile-requests'];

/** The dry run's plan (its # lines), script, raw output and warnings. */
async function dryRun(args: string[]) {
  const outcome = await deploySh(
    ['--dry-run', '--project', PROJECT, '--firestore-location', 'europe-west4', ...args],
    bareEnv(),
  );
  assert.equal(outcome.code, 0, outcome.stderr);
  const plan = outcome.stdout.split('\n').filter((l) => l.startsWith('# '));
  return {
    plan,
    script: parseScript(outcome.stdout, SAMPLE),
    stdout: outcome.stdout,
    stderr: outcome.stderr,
  };
}

/** The function's publish grants on the chains' topics (not on dfchain's own topics). */
const grants = (script: Script, verb: string) =>
  script.commands.filter(
    (c) =>
      isCommand(c, 'pubsub', 'topics', verb) &&
      flag(c, 'member') === FN_SA &&
      !['dfchain-events', 'dfchain-events-dead'].includes(c[4] ?? ''),
  );

describe('infra/deploy.sh: topics of pubsub:publish Tasks (issue 10)', function () {
  this.timeout(180_000);
  let publishing: Awaited<ReturnType<typeof dryRun>>;
  let plain: Awaited<ReturnType<typeof dryRun>>;
  let teardown: Awaited<ReturnType<typeof dryRun>>;

  before(async () => {
    [publishing, plain, teardown] = await Promise.all([
      dryRun(['--chains-dir', CHAINS]),
      dryRun([]),
      dryRun(['--chains-dir', CHAINS, '--teardown']),
    ]);
  });

  it('the plan names the topics granted, and the Tasks whose topic is computed as not granted', () => {
    assert.deepEqual(
      publishing.plan.filter((l) => l.startsWith('# publish topics:')),
      [
        '# publish topics:     dfchain-fn gets roles/pubsub.publisher on projects/partner-proj/topics/team-notices, reconcile-requests (each must exist; deploy stops if one is missing)',
        '# publish topics:     computed at run time (topic.$), NOT granted: handoff: States.Route; grant dfchain-fn roles/pubsub.publisher on each topic they can name, by hand',
      ],
    );
    assert.deepEqual(
      plain.plan.filter((l) => l.startsWith('# publish topics:')),
      ['# publish topics:     none (no pubsub:publish Task names a fixed topic)'],
    );
    assert.match(
      publishing.stderr,
      /warning: handoff: States\.Route: the topic is computed at run time \(topic\.\$\), so deploy cannot grant on it/,
    );
    assert.ok(!plain.stderr.includes('topic.$'));
  });

  it('grants the function roles/pubsub.publisher on each topic, after checking it exists', () => {
    const granted = grants(publishing.script, 'add-iam-policy-binding');
    assert.deepEqual(
      granted.map((c) => c.slice(4)),
      TOPICS.map((topic) => [
        topic,
        `--member=${FN_SA}`,
        '--role=roles/pubsub.publisher',
        `--project=${PROJECT}`,
      ]),
    );
    for (const topic of TOPICS) {
      const check = publishing.stdout
        .split('\n')
        .find((l) => l.startsWith(`gcloud pubsub topics describe ${topic} `));
      assert.ok(check, `a check that ${topic} exists`);
      assert.match(check, /\|\| \{ echo 'deploy\.sh: topic .* was not found .*' >&2; exit 2; \}$/);
      assert.ok(
        publishing.stdout.indexOf(check) <
          publishing.stdout.indexOf(`add-iam-policy-binding ${topic} `),
      );
    }
    assert.deepEqual(grants(plain.script, 'add-iam-policy-binding'), []);
  });

  it('the printed check stops the printed script when a topic is missing', async () => {
    const check = publishing.stdout
      .split('\n')
      .find((l) => l.startsWith('gcloud pubsub topics describe reconcile-requests '))!;
    const gcloud = fakeGcloud(['"pubsub topics describe reconcile-requests"*) exit 1 ;;']);
    try {
      const outcome = await runProgram('bash', ['-c', `${check}\necho went on`], {
        env: gcloud.env,
      });
      assert.equal(outcome.code, 2);
      assert.match(
        outcome.stderr,
        /deploy\.sh: topic reconcile-requests, which a pubsub:publish Task names, was not found/,
      );
      assert.ok(!outcome.stdout.includes('went on'));
    } finally {
      gcloud.cleanup();
    }
  });

  it('teardown removes the grants and leaves the topics', () => {
    assert.deepEqual(
      grants(teardown.script, 'remove-iam-policy-binding').map((c) => c[4]),
      TOPICS,
    );
    for (const topic of TOPICS) assert.ok(!teardown.stdout.includes(`topics delete ${topic}`));
  });

  it('online: a missing topic stops the deploy before it grants on it; present ones are granted', async () => {
    const online = (cases: string[]) =>
      fakeGcloud([
        ...SIGNED_IN,
        '"firestore databases describe"*"value(locationId)"*) echo europe-west4 ;;',
        ...cases,
      ]);
    const missing = online(['"pubsub topics describe reconcile-requests"*) exit 1 ;;']);
    try {
      const outcome = await deploySh(['--project', PROJECT, '--chains-dir', CHAINS], missing.env);
      assert.notEqual(outcome.code, 0);
      assert.match(
        outcome.stderr,
        /topic reconcile-requests, which a pubsub:publish Task names, was not found/,
      );
      assert.ok(!missing.calls().includes('add-iam-policy-binding reconcile-requests'));
      assert.ok(!missing.calls().includes('functions deploy'));
    } finally {
      missing.cleanup();
    }
    const present = online([]);
    try {
      const outcome = await deploySh(['--project', PROJECT, '--chains-dir', CHAINS], present.env);
      assert.equal(outcome.code, 0, outcome.stderr);
      const calls = present.calls().split('\n');
      for (const topic of TOPICS) {
        assert.ok(
          calls.includes(
            `pubsub topics add-iam-policy-binding ${topic} --member=${FN_SA} --role=roles/pubsub.publisher --project=${PROJECT}`,
          ),
          topic,
        );
      }
    } finally {
      present.cleanup();
    }
  });

  it('prints only commands that the real gcloud accepts (offline: exit 1 for no account)', async () => {
    const commands = [
      ...grants(publishing.script, 'add-iam-policy-binding'),
      ...grants(teardown.script, 'remove-iam-policy-binding'),
      ...publishing.script.commands.filter(
        (c) => isCommand(c, 'pubsub', 'topics', 'describe') && TOPICS.includes(c[4] ?? ''),
      ),
    ];
    assert.equal(commands.length, 6);
    assert.deepEqual(await gcloudRefusals(commands), []);
  });
});
