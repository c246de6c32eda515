import { strict as assert } from 'node:assert';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bareEnv, deploySh, fakeGcloud, gcloudRefusals, SAMPLE, SIGNED_IN } from './deploy-env.js';
import { flag, isCommand, parseScript, ROOT, runProgram, type Script } from './shell-script.js';

const PROJECT = 'demo-proj';
const METRICS = readdirSync(join(ROOT, 'infra/metrics'))
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.replace(/\.json$/, ''))
  .sort();
const RUNS_FAILED = join(ROOT, 'infra/alert-runs-failed.json');
const DEADLINE = join(ROOT, 'infra/alert-deadline-missed.json');
const CHANNELS = `projects/${PROJECT}/notificationChannels/123,projects/${PROJECT}/notificationChannels/456`;
const NO_CHANNEL_NOTE =
  'deploy.sh: no --notification-channel: the alert policies "dfchain: run failed" and "dfchain: run deadline missed" are created without notification channels';

/** Schedules as `dfchain deploy-facts --json` gives them (the shape pinned for issue 9). */
const SCHEDULES = [
  {
    chain: 'daily',
    cron: '0 6 * * *',
    timeZone: 'Europe/Amsterdam',
    message: '{"dfchain":"start","chain":"daily","input":{"region":"eu"}}',
  },
  {
    chain: 'hourly',
    cron: '5 * * * *',
    timeZone: 'Etc/UTC',
    message: '{"dfchain":"start","chain":"hourly"}',
  },
];

/**
 * A stand-in for the dfchain CLI (deploy.sh's DFCHAIN_DEPLOY_CLI): `deploy-facts --json` answers
 * the real facts of dag/ plus `schedules`; every other command is the real CLI's.
 */
function fakeCli(schedules: readonly object[]) {
  const dir = mkdtempSync(join(tmpdir(), 'dfchain-fake-cli-'));
  const cli = join(dir, 'dfchain');
  writeFileSync(join(dir, 'schedules.json'), JSON.stringify(schedules));
  writeFileSync(
    cli,
    [
      '#!/usr/bin/env bash',
      'if [ "$1" = deploy-facts ] && [[ " $* " == *" --json "* ]]; then',
      '  node dist/cli/main.js "$@" | node -e \'const fs = require("fs"); const facts = JSON.parse(fs.readFileSync(0, "utf8")); facts.schedules = JSON.parse(fs.readFileSync(process.argv[1], "utf8")); console.log(JSON.stringify(facts))\' "$(dirname "$0")/schedules.json"',
      '  exit',
      'fi',
      'exec node dist/cli/main.js "$@"',
    ].join('\n'),
  );
  chmodSync(cli, 0o755);
  return { cli, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The dry run's plan (its # lines), script and stderr. */
async function dryRun(args: string[], env: NodeJS.ProcessEnv = bareEnv()) {
  const outcome = await deploySh(
    ['--dry-run', '--project', PROJECT, '--firestore-location', 'europe-west4', ...args],
    env,
  );
  assert.equal(outcome.code, 0, outcome.stderr);
  const plan = outcome.stdout.split('\n').filter((l) => l.startsWith('# '));
  return { plan, script: parseScript(outcome.stdout, SAMPLE), stderr: outcome.stderr };
}

const find = (script: Script, ...words: string[]) =>
  script.commands.filter((c) => isCommand(c, ...words));
const planLine = (plan: readonly string[], key: string) =>
  plan.find((l) => l.startsWith(`# ${key}`))?.slice(2 + 20);

describe('infra/deploy.sh: log metrics, alert policies and schedules (issue 9)', function () {
  this.timeout(180_000);
  let plain: Awaited<ReturnType<typeof dryRun>>;
  let channelled: Awaited<ReturnType<typeof dryRun>>;
  let scheduled: Awaited<ReturnType<typeof dryRun>>;
  let teardown: Awaited<ReturnType<typeof dryRun>>;
  const cli = fakeCli(SCHEDULES);

  before(async () => {
    [plain, channelled, scheduled, teardown] = await Promise.all([
      dryRun([]),
      dryRun([
        '--notification-channel',
        '123',
        '--notification-channel',
        `projects/${PROJECT}/notificationChannels/456`,
      ]),
      dryRun([], bareEnv({ DFCHAIN_DEPLOY_CLI: cli.cli })),
      dryRun(['--teardown']),
    ]);
  });
  after(() => cli.cleanup());

  it('the plan lists the log metrics and both alert policies', () => {
    assert.equal(
      planLine(plain.plan, 'log metrics:'),
      `${METRICS.join(', ')} (infra/metrics/*.json)`,
    );
    assert.deepEqual(METRICS, [
      'dfchain-deadline-missed',
      'dfchain-runs-failed',
      'dfchain-runs-started',
      'dfchain-runs-succeeded',
      'dfchain-step-duration',
    ]);
    assert.equal(
      planLine(plain.plan, 'alert policies:'),
      '"dfchain: run failed", "dfchain: run deadline missed"',
    );
  });

  it('creates each metric from its file, or updates it from the same file, before the function', () => {
    for (const name of METRICS) {
      const file = join(ROOT, 'infra/metrics', `${name}.json`);
      for (const verb of ['create', 'update']) {
        const command = find(plain.script, 'logging', 'metrics', verb).filter((c) => c[4] === name);
        assert.equal(command.length, 1, `${verb} ${name}`);
        assert.equal(flag(command[0]!, 'config-from-file'), file);
      }
    }
    const at = (c: readonly string[] | undefined) => plain.script.commands.indexOf(c!);
    const last = find(plain.script, 'logging', 'metrics', 'create').at(-1);
    assert.ok(at(last) < at(find(plain.script, 'functions', 'deploy')[0]));
  });

  it('without --notification-channel: new policies have no channel, existing ones keep theirs, and deploy says so', () => {
    assert.ok(plain.stderr.includes(NO_CHANNEL_NOTE), plain.stderr);
    assert.match(planLine(plain.plan, 'notifies:')!, /^nobody new: no --notification-channel/);
    for (const [file, kept] of [
      [RUNS_FAILED, SAMPLE.RUNS_FAILED_CHANNELS],
      [DEADLINE, SAMPLE.DEADLINE_MISSED_CHANNELS],
    ] as const) {
      const create = find(plain.script, 'alpha', 'monitoring', 'policies', 'create').filter(
        (c) => flag(c, 'policy-from-file') === file,
      );
      assert.equal(create.length, 1, file);
      assert.equal(flag(create[0]!, 'notification-channels'), undefined);
      const update = find(plain.script, 'alpha', 'monitoring', 'policies', 'update').filter(
        (c) => flag(c, 'policy-from-file') === file,
      );
      assert.equal(update.length, 1, file);
      assert.equal(flag(update[0]!, 'set-notification-channels'), kept);
    }
    // The kept channels are read from the policy found by its display name.
    const lookups = plain.script.lookups.map(
      (l) => `${l.name} ${flag(l.command, 'filter')} ${flag(l.command, 'format')}`,
    );
    assert.deepEqual(
      lookups.filter((l) => /POLICY|CHANNELS/.test(l)),
      [
        'RUNS_FAILED_POLICY displayName="dfchain: run failed" value(name)',
        'RUNS_FAILED_CHANNELS displayName="dfchain: run failed" value(notificationChannels.join(","))',
        'DEADLINE_MISSED_POLICY displayName="dfchain: run deadline missed" value(name)',
        'DEADLINE_MISSED_CHANNELS displayName="dfchain: run deadline missed" value(notificationChannels.join(","))',
      ],
    );
  });

  it('with --notification-channel (an id, or a full name): both policies are created and updated with exactly those', () => {
    assert.ok(!channelled.stderr.includes('no --notification-channel'), channelled.stderr);
    assert.match(planLine(channelled.plan, 'notifies:')!, new RegExp(`^${CHANNELS} `));
    for (const file of [RUNS_FAILED, DEADLINE]) {
      const create = find(channelled.script, 'alpha', 'monitoring', 'policies', 'create').find(
        (c) => flag(c, 'policy-from-file') === file,
      );
      assert.equal(flag(create!, 'notification-channels'), CHANNELS, file);
      const update = find(channelled.script, 'alpha', 'monitoring', 'policies', 'update').find(
        (c) => flag(c, 'policy-from-file') === file,
      );
      assert.equal(flag(update!, 'set-notification-channels'), CHANNELS, file);
    }
    assert.ok(!channelled.script.lookups.some((l) => l.name.endsWith('_CHANNELS')));
  });

  it('a --notification-channel that is no channel is refused before anything runs', async () => {
    const outcome = await deploySh([
      '--dry-run',
      '--project',
      PROJECT,
      '--notification-channel',
      'ops-email',
    ]);
    assert.equal(outcome.code, 2);
    assert.equal(outcome.stdout, '');
    assert.match(
      outcome.stderr,
      /^deploy\.sh: --notification-channel "ops-email" is not a notification channel: pass its numeric id or projects\/P\/notificationChannels\/ID/,
    );
  });

  it('one scheduler job per chain Schedule, created or updated, on the events topic; stale ones deleted, the tick kept', () => {
    assert.deepEqual(
      scheduled.plan.filter((l) => l.startsWith('# schedule ')),
      [
        '# schedule daily:     job dfchain-schedule-daily: "0 6 * * *" in Europe/Amsterdam, publishes {"dfchain":"start","chain":"daily","input":{"region":"eu"}}',
        '# schedule hourly:    job dfchain-schedule-hourly: "5 * * * *" in Etc/UTC, publishes {"dfchain":"start","chain":"hourly"}',
      ],
    );
    for (const schedule of SCHEDULES) {
      const name = `dfchain-schedule-${schedule.chain}`;
      for (const verb of ['create', 'update']) {
        const jobs = find(scheduled.script, 'scheduler', 'jobs', verb, 'pubsub').filter(
          (c) => c[5] === name,
        );
        assert.equal(jobs.length, 1, `${verb} ${name}`);
        const job = jobs[0]!;
        assert.equal(flag(job, 'schedule'), schedule.cron);
        assert.equal(flag(job, 'time-zone'), schedule.timeZone);
        assert.equal(flag(job, 'message-body'), schedule.message);
        assert.equal(flag(job, 'topic'), `projects/${PROJECT}/topics/dfchain-events`);
        assert.equal(flag(job, 'location'), 'europe-west4');
      }
    }
    const tick = find(scheduled.script, 'scheduler', 'jobs', 'create', 'pubsub').filter(
      (c) => c[5] === 'dfchain-tick',
    );
    assert.equal(tick.length, 1, 'the tick job is still made');
    const text = scheduled.script.commands.map((c) => c.join(' '));
    assert.ok(text.some((c) => c.startsWith('gcloud scheduler jobs list --location=europe-west4')));
  });

  it("the stale-job line deletes dfchain-schedule-* jobs other than the schedules', and only those", async () => {
    const outcome = await deploySh(
      ['--dry-run', '--project', PROJECT, '--firestore-location', 'europe-west4'],
      bareEnv({ DFCHAIN_DEPLOY_CLI: cli.cli }),
    );
    const line = outcome.stdout.split('\n').find((l) => l.startsWith('gcloud scheduler jobs list'));
    assert.equal(
      line,
      "gcloud scheduler jobs list --location=europe-west4 '--format=value(name.basename())' --project=demo-proj | grep '^dfchain-schedule-' | grep -vxF -e dfchain-schedule-daily -e dfchain-schedule-hourly | xargs -r -n1 gcloud scheduler jobs delete --location=europe-west4 --quiet --project=demo-proj",
    );
    // Run as a script against a stand-in gcloud: only the stale job is deleted.
    const gcloud = fakeGcloud([
      '"scheduler jobs list"*) printf "dfchain-tick\\ndfchain-schedule-daily\\ndfchain-schedule-old\\ndfchain-schedule-hourly\\n" ;;',
    ]);
    try {
      const ran = await runProgram('bash', ['-c', line], { env: gcloud.env });
      assert.equal(ran.code, 0, ran.stderr);
      const deletes = gcloud
        .calls()
        .split('\n')
        .filter((c) => c.includes(' delete '));
      assert.deepEqual(deletes, [
        'scheduler jobs delete --location=europe-west4 --quiet --project=demo-proj dfchain-schedule-old',
      ]);
    } finally {
      gcloud.cleanup();
    }
  });

  it("a chain's Schedule, read by the real deploy-facts: its job publishes the start command at its Cron in its TimeZone", async () => {
    const { plan, script } = await dryRun([
      '--chains-dir',
      'test/integration/deploy/scheduled-chains',
    ]);
    assert.equal(
      planLine(plan, 'schedule morning:'),
      'job dfchain-schedule-morning: "30 6 * * 1-5" in Europe/Amsterdam, publishes {"dfchain":"start","chain":"morning","scheduled":true}',
    );
    for (const verb of ['create', 'update']) {
      const job = find(script, 'scheduler', 'jobs', verb, 'pubsub').find(
        (c) => c[5] === 'dfchain-schedule-morning',
      );
      assert.ok(job, verb);
      assert.equal(flag(job, 'schedule'), '30 6 * * 1-5');
      assert.equal(flag(job, 'time-zone'), 'Europe/Amsterdam');
      assert.equal(
        flag(job, 'message-body'),
        '{"dfchain":"start","chain":"morning","scheduled":true}',
      );
    }
  });

  it('no chain has a Schedule: the plan says so and every dfchain-schedule-* job goes', () => {
    assert.equal(
      planLine(plain.plan, 'schedules:'),
      'none (no chain has a Schedule); deletes any dfchain-schedule-* job left',
    );
    assert.deepEqual(
      find(plain.script, 'scheduler', 'jobs', 'create', 'pubsub').map((c) => c[5]),
      ['dfchain-tick'],
    );
  });

  it('teardown deletes the metrics, both alert policies and every schedule job', () => {
    const deletes = teardown.script.commands
      .filter(
        (c) => c.includes('delete') || isCommand(c, 'alpha', 'monitoring', 'policies', 'list'),
      )
      .map((c) =>
        c
          .slice(1)
          .filter((w) => !w.startsWith('--project'))
          .join(' '),
      );
    for (const name of METRICS)
      assert.ok(deletes.includes(`logging metrics delete ${name} --quiet`), name);
    for (const display of ['dfchain: run failed', 'dfchain: run deadline missed']) {
      assert.ok(
        deletes.includes(
          `alpha monitoring policies list --filter=displayName="${display}" --format=value(name)`,
        ),
        display,
      );
    }
    assert.ok(
      teardown.script.commands.some(
        (c) => isCommand(c, 'scheduler', 'jobs', 'list') && flag(c, 'location') === 'europe-west4',
      ),
    );
    assert.match(planLine(teardown.plan, 'deletes:')!, /every dfchain-schedule-\* job/);
  });

  it('online: an existing policy is replaced from its file keeping its channels; a stale schedule job is deleted', async () => {
    const gcloud = fakeGcloud([
      ...SIGNED_IN,
      '"firestore databases describe"*"value(locationId)"*) echo europe-west4 ;;',
      '"alpha monitoring policies list"*"value(name)"*) echo projects/demo-proj/alertPolicies/7 ;;',
      '"alpha monitoring policies list"*"notificationChannels"*) echo projects/demo-proj/notificationChannels/3 ;;',
      '"scheduler jobs list"*) printf "dfchain-tick\\ndfchain-schedule-old\\ndfchain-schedule-daily\\n" ;;',
    ]);
    try {
      const outcome = await deploySh(['--project', PROJECT], {
        ...gcloud.env,
        DFCHAIN_DEPLOY_CLI: cli.cli,
      });
      assert.equal(outcome.code, 0, outcome.stderr);
      const calls = gcloud.calls().split('\n');
      for (const file of [RUNS_FAILED, DEADLINE]) {
        assert.ok(
          calls.includes(
            `alpha monitoring policies update projects/demo-proj/alertPolicies/7 --policy-from-file=${file} --set-notification-channels=projects/demo-proj/notificationChannels/3 --project=demo-proj`,
          ),
          file,
        );
      }
      assert.ok(!calls.some((c) => c.startsWith('alpha monitoring policies create')));
      assert.deepEqual(
        calls.filter((c) => c.startsWith('scheduler jobs delete')),
        [
          'scheduler jobs delete dfchain-schedule-old --location=europe-west4 --quiet --project=demo-proj',
        ],
      );
    } finally {
      gcloud.cleanup();
    }
  });

  it('prints only commands that the real gcloud accepts (offline: exit 1 for no account)', async () => {
    const commands = [
      find(scheduled.script, 'scheduler', 'jobs', 'create', 'pubsub').find(
        (c) => c[5] === 'dfchain-schedule-daily',
      )!,
      find(scheduled.script, 'scheduler', 'jobs', 'update', 'pubsub').find(
        (c) => c[5] === 'dfchain-schedule-daily',
      )!,
      find(scheduled.script, 'scheduler', 'jobs', 'list')[0]!,
      find(channelled.script, 'alpha', 'monitoring', 'policies', 'create')[0]!,
      find(channelled.script, 'alpha', 'monitoring', 'policies', 'update')[0]!,
      find(plain.script, 'logging', 'metrics', 'create').find(
        (c) => c[4] === 'dfchain-step-duration',
      )!,
      find(plain.script, 'logging', 'metrics', 'update').find(
        (c) => c[4] === 'dfchain-step-duration',
      )!,
    ];
    assert.deepEqual(await gcloudRefusals(commands), []);
  });
});

describe('infra/metrics and infra/alert-*.json are LogMetric and AlertPolicy documents', () => {
  // Fields of LogMetric (https://cloud.google.com/logging/docs/reference/v2/rest/v2/projects.metrics#LogMetric)
  // that a config file may set, and of AlertPolicy (projects.alertPolicies).
  const LOG_METRIC = [
    'description',
    'filter',
    'metricDescriptor',
    'valueExtractor',
    'labelExtractors',
    'bucketOptions',
  ];
  const ALERT_POLICY = ['displayName', 'documentation', 'combiner', 'conditions', 'alertStrategy'];

  it('each metric: known fields, one extractor per declared label, a distribution with its value and buckets', () => {
    for (const name of METRICS) {
      const metric = JSON.parse(
        readFileSync(join(ROOT, 'infra/metrics', `${name}.json`), 'utf8'),
      ) as {
        filter: string;
        labelExtractors: Record<string, string>;
        valueExtractor?: string;
        bucketOptions?: object;
        metricDescriptor: { metricKind: string; valueType: string; labels: { key: string }[] };
      };
      assert.deepEqual(
        Object.keys(metric).filter((k) => !LOG_METRIC.includes(k)),
        [],
        name,
      );
      assert.deepEqual(
        metric.metricDescriptor.labels.map((l) => l.key).sort(),
        Object.keys(metric.labelExtractors).sort(),
        name,
      );
      assert.ok(
        !('run' in metric.labelExtractors),
        `${name}: a label per run id is a time series per run`,
      );
      assert.equal(metric.metricDescriptor.metricKind, 'DELTA', name);
      const distribution = metric.metricDescriptor.valueType === 'DISTRIBUTION';
      assert.equal(metric.valueExtractor !== undefined, distribution, name);
      assert.equal(metric.bucketOptions !== undefined, distribution, name);
      assert.match(metric.filter, /^jsonPayload\.event="[a-z_.]+"/, name);
    }
  });

  it('the failed-runs policy: a log match on run.failed with a notification rate limit', () => {
    const policy = JSON.parse(readFileSync(RUNS_FAILED, 'utf8')) as {
      conditions: {
        conditionMatchedLog: { filter: string; labelExtractors: Record<string, string> };
      }[];
      alertStrategy: { notificationRateLimit: { period: string } };
    };
    assert.deepEqual(
      Object.keys(policy).filter((k) => !ALERT_POLICY.includes(k)),
      [],
    );
    assert.equal(
      policy.conditions[0]!.conditionMatchedLog.filter,
      'jsonPayload.event="run.failed"',
    );
    assert.deepEqual(policy.conditions[0]!.conditionMatchedLog.labelExtractors, {
      chain: 'EXTRACT(jsonPayload.chain)',
      run: 'EXTRACT(jsonPayload.runId)',
      error: 'EXTRACT(jsonPayload.error.Error)',
    });
    assert.equal(policy.alertStrategy.notificationRateLimit.period, '300s');
  });
});
