import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT, runProgram } from './shell-script.js';

// Loaded untyped: its declarations pull the DOM lib into the whole program.
const { parse } = createRequire(import.meta.url)('@cdktf/hcl2json') as {
  parse: (file: string, text: string) => Promise<Hcl>;
};

type Hcl = Record<string, Record<string, readonly Block[]> | undefined>;
type Block = Record<string, unknown>;

const MODULE = join(ROOT, 'infra/terraform');

/**
 * All .tf files of the module, merged by block kind (resource, variable, …); resources and data
 * sources by type too, so a type declared in two files (google_logging_metric) keeps every name.
 */
async function loadModule(): Promise<Record<string, Record<string, Block[]>>> {
  const merged: Record<string, Record<string, Block[]>> = {};
  for (const file of readdirSync(MODULE).filter((f) => f.endsWith('.tf'))) {
    const parsed = await parse(file, readFileSync(join(MODULE, file), 'utf8'));
    for (const [kind, blocks] of Object.entries(parsed)) {
      // `locals` blocks come as a list: every file's are kept.
      if (Array.isArray(blocks)) {
        const before = (merged[kind] ?? []) as unknown as Block[];
        merged[kind] = [...before, ...(blocks as Block[])] as unknown as Record<string, Block[]>;
        continue;
      }
      const into: Record<string, unknown> = { ...merged[kind] };
      for (const [key, value] of Object.entries(blocks as Record<string, unknown>)) {
        const typed = kind === 'resource' || kind === 'data';
        into[key] = typed ? { ...(into[key] as object), ...(value as object) } : value;
      }
      merged[kind] = into as Record<string, Block[]>;
    }
  }
  return merged;
}

describe('infra/terraform', function () {
  this.timeout(30_000);
  let tf: Record<string, Record<string, Block[]>>;
  /** The one block of resource `type.name`. */
  const resource = (type: string, name: string): Block => {
    const block = (tf['resource']?.[type] as unknown as Record<string, Block[]> | undefined)?.[
      name
    ]?.[0];
    assert.ok(block, `no resource ${type}.${name}`);
    return block;
  };
  const first = (block: Block, key: string): Block => (block[key] as Block[])[0]!;

  before(async () => {
    tf = await loadModule();
  });

  it('is formatted (terraform fmt -check)', async () => {
    const outcome = await runProgram(
      'terraform',
      ['fmt', '-check', '-recursive', 'infra/terraform'],
      {
        cwd: ROOT,
      },
    );
    assert.equal(outcome.code, 0, outcome.stdout + outcome.stderr);
  });

  it('declares the whole stack', () => {
    const resources = Object.entries(tf['resource'] ?? {}).flatMap(([type, named]) =>
      Object.keys(named as unknown as Record<string, unknown>).map((name) => `${type}.${name}`),
    );
    for (const name of [
      'google_pubsub_topic.events',
      'google_pubsub_topic.dead_letter',
      'google_pubsub_subscription.dead_letter',
      'google_logging_project_sink.jobs',
      'google_pubsub_topic_iam_member.sink_writer',
      'google_service_account.function',
      'google_service_account.trigger',
      'google_firestore_database.dfchain',
      'google_service_account.build',
      'google_service_account.worker',
      'google_project_iam_custom_role.launcher',
      'google_cloudfunctions2_function.dfchain',
      'google_cloud_run_service_iam_member.trigger_invoker',
      'google_cloud_scheduler_job.tick',
      'google_eventarc_trigger.dataflow',
      'google_cloud_tasks_queue.timers',
    ]) {
      assert.ok(resources.includes(name), name);
    }
    for (const output of ['function_uri', 'events_topic', 'sink_writer_identity']) {
      assert.ok(tf['output']?.[output], output);
    }
  });

  it('wires the generated sink filter and lets the sink writer publish', () => {
    const sink = resource('google_logging_project_sink', 'jobs');
    assert.equal(sink['filter'], '${var.sink_filter}');
    assert.equal(sink['destination'], 'pubsub.googleapis.com/${google_pubsub_topic.events.id}');
    assert.equal(sink['unique_writer_identity'], true);
    const variable = tf['variable']?.['sink_filter']?.[0];
    assert.ok(variable && !('default' in variable), 'sink_filter must be generated, not defaulted');
    assert.deepEqual(resource('google_pubsub_topic_iam_member', 'sink_writer'), {
      project: '${var.project_id}',
      topic: '${google_pubsub_topic.events.name}',
      role: 'roles/pubsub.publisher',
      member: '${google_logging_project_sink.jobs.writer_identity}',
    });
  });

  it('retries deliveries and parks poison messages on the dead-letter topic', () => {
    const trigger = first(resource('google_cloudfunctions2_function', 'dfchain'), 'event_trigger');
    assert.equal(trigger['retry_policy'], 'RETRY_POLICY_RETRY');
    assert.equal(trigger['pubsub_topic'], '${google_pubsub_topic.events.id}');
    assert.equal(trigger['service_account_email'], '${google_service_account.trigger.email}');
    const deadLetter = resource('terraform_data', 'trigger_dead_letter');
    const exec = (deadLetter['provisioner'] as Block)['local-exec'] as Block[];
    const command = String(exec[0]!['command']);
    assert.match(
      command,
      /gcloud pubsub subscriptions update "\$subscription" --dead-letter-topic="\$DEAD_LETTER_TOPIC" --max-delivery-attempts="\$ATTEMPTS"/,
    );
    assert.match(command, /--member="\$PUBSUB_AGENT" --role=roles\/pubsub.subscriber/);
    assert.deepEqual(exec[0]!['environment'], {
      TRIGGER: '${google_cloudfunctions2_function.dfchain.event_trigger[0].trigger}',
      DEAD_LETTER_TOPIC: '${google_pubsub_topic.dead_letter.id}',
      ATTEMPTS: '${var.max_delivery_attempts}',
      PUBSUB_AGENT: '${local.pubsub_agent}',
    });
    assert.equal(
      resource('google_pubsub_topic_iam_member', 'dead_letter_publisher')['role'],
      'roles/pubsub.publisher',
    );
    assert.equal(
      resource('google_pubsub_subscription', 'dead_letter')['topic'],
      '${google_pubsub_topic.dead_letter.id}',
    );
  });

  it('gives each service account only its roles and nobody else the invoker', () => {
    assert.equal(
      resource('google_project_iam_member', 'function_launcher')['role'],
      '${google_project_iam_custom_role.launcher.id}',
    );
    assert.equal(
      resource('google_service_account_iam_member', 'function_acts_as')['role'],
      'roles/iam.serviceAccountUser',
    );
    const invoker = resource('google_cloud_run_service_iam_member', 'trigger_invoker');
    assert.equal(invoker['role'], 'roles/run.invoker');
    assert.equal(invoker['member'], '${local.trigger_sa}');
    const config = first(resource('google_cloudfunctions2_function', 'dfchain'), 'service_config');
    assert.equal(config['service_account_email'], '${google_service_account.function.email}');
    const text = readdirSync(MODULE)
      .map((f) => readFileSync(join(MODULE, f), 'utf8'))
      .join('\n');
    assert.doesNotMatch(
      text,
      /allUsers|allAuthenticatedUsers|roles\/(editor|owner|dataflow\.developer|dataflow\.admin)"/,
    );
    assert.doesNotMatch(text, /-compute@developer/);
  });

  it('runtime nodejs22, build service account, timeout 540 s, max instances, memory, internal ingress (matching deploy.sh)', () => {
    const fn = resource('google_cloudfunctions2_function', 'dfchain');
    const build = first(fn, 'build_config');
    assert.equal(build['runtime'], 'nodejs22');
    assert.equal(build['service_account'], '${google_service_account.build.id}');
    const config = first(fn, 'service_config');
    assert.equal(config['timeout_seconds'], 540);
    assert.equal(config['ingress_settings'], 'ALLOW_INTERNAL_ONLY');
    assert.equal(config['max_instance_count'], '${var.max_instances}');
    assert.equal(config['available_memory'], '${var.memory}');
    assert.equal(tf['variable']?.['max_instances']?.[0]?.['default'], 25);
    assert.equal(tf['variable']?.['memory']?.[0]?.['default'], '512Mi');
    assert.deepEqual(config['environment_variables'], {
      GOOGLE_CLOUD_PROJECT: '${var.project_id}',
      DFCHAIN_CHAINS_DIR: '${var.chains_dir}',
      DFCHAIN_FIRESTORE_DATABASE: '${var.firestore_database}',
      DFCHAIN_WORKER_SERVICE_ACCOUNT: '${local.worker_sa}',
      DFCHAIN_DATAFLOW_TIMEOUT_SECONDS: '30',
      DFCHAIN_TIMERS: 'cloudtasks',
      DFCHAIN_TOPIC: '${google_pubsub_topic.events.name}',
      DFCHAIN_TASKS_QUEUE: '${google_cloud_tasks_queue.timers.name}',
      DFCHAIN_TASKS_LOCATION: '${google_cloud_tasks_queue.timers.location}',
      DFCHAIN_TIMER_SERVICE_ACCOUNT: '${google_service_account.function.email}',
    });
    assert.equal(
      resource('google_project_iam_member', 'build')['for_each'],
      '${toset(["roles/logging.logWriter", "roles/artifactregistry.writer"])}',
    );
    assert.equal(
      resource('google_storage_bucket_iam_member', 'build_reads_source')['role'],
      'roles/storage.objectViewer',
    );
  });

  it('least privilege: the custom role, the named database behind a condition, the worker account', () => {
    assert.deepEqual(resource('google_project_iam_custom_role', 'launcher')['permissions'], [
      'dataflow.jobs.create',
      'dataflow.jobs.get',
      'dataflow.jobs.list',
      'dataflow.jobs.cancel',
      'dataflow.metrics.get',
      'run.jobs.run',
      'run.jobs.runWithOverrides',
      'run.executions.get',
      'run.executions.list',
      'run.executions.cancel',
    ]);
    const datastore = resource('google_project_iam_member', 'function_datastore');
    assert.equal(datastore['role'], 'roles/datastore.user');
    assert.equal(
      first(datastore, 'condition')['expression'],
      'resource.name=="projects/${var.project_id}/databases/${var.firestore_database}"',
    );
    assert.equal(tf['variable']?.['firestore_database']?.[0]?.['default'], 'dfchain');
    assert.equal(
      resource('google_firestore_database', 'dfchain')['name'],
      '${var.firestore_database}',
    );
    assert.equal(
      resource('google_project_iam_member', 'worker')['for_each'],
      '${local.own_worker ? toset(["roles/dataflow.worker", "roles/artifactregistry.reader"]) : toset([])}',
    );
  });

  it('template and ItemReader buckets and actAs come from the chains (dfchain deploy-facts --json)', () => {
    assert.ok(
      !('default' in (tf['variable']?.['chain_facts']?.[0] ?? {})),
      'generated, not defaulted',
    );
    assert.equal(
      resource('google_service_account_iam_member', 'function_acts_as')['for_each'],
      '${local.act_as}',
    );
    const reads = resource('google_storage_bucket_iam_member', 'function_reads_templates');
    assert.equal(reads['for_each'], '${local.template_buckets}');
    assert.equal(reads['role'], 'roles/storage.objectViewer');
    const check = tf['check']?.['computed_template_paths']?.[0];
    assert.ok(check, 'a check names computed template paths without template_buckets');
    // A Map's ItemReader lists and reads as the function.
    const items = resource('google_storage_bucket_iam_member', 'function_reads_items');
    assert.equal(items['for_each'], '${toset(local.facts.readerBuckets)}');
    assert.equal(items['role'], 'roles/storage.objectViewer');
    assert.equal(items['member'], '${local.function_sa}');
  });

  it('source archive: an allow-list, in a bucket with public access prevention', () => {
    const bucket = resource('google_storage_bucket', 'source');
    assert.equal(bucket['public_access_prevention'], 'enforced');
    assert.equal(bucket['uniform_bucket_level_access'], true);
    const archive = (tf['data']?.['archive_file'] as unknown as Record<string, Block[]>)[
      'source'
    ]![0]!;
    assert.ok(!('source_dir' in archive) && !('excludes' in archive), 'no deny-list');
    const text = readFileSync(join(MODULE, 'main.tf'), 'utf8');
    assert.match(
      text,
      /\["package\.json", "package-lock\.json", "tsconfig\.json", "tsconfig\.build\.json"\],\s*fileset\(local\.source_dir, "src\/\*\*"\),\s*fileset\(local\.source_dir, "dag\/\*\*"\)/,
    );
  });

  it('gitignore: Terraform state and crash logs are never committed', async () => {
    const paths = [
      'infra/terraform/terraform.tfstate',
      'infra/terraform/terraform.tfstate.backup',
      'infra/terraform/.terraform/providers/x',
      'infra/terraform/crash.log',
    ];
    const outcome = await runProgram('git', ['check-ignore', ...paths], { cwd: ROOT });
    assert.deepEqual(outcome.stdout.trim().split('\n'), paths);
  });

  it('timers: a Cloud Tasks queue in the region; the function enqueues on it alone, acts as itself and publishes on the topic', () => {
    const apis = readFileSync(join(MODULE, 'main.tf'), 'utf8');
    assert.match(apis, /"cloudtasks\.googleapis\.com"/);
    assert.deepEqual(resource('google_cloud_tasks_queue', 'timers'), {
      project: '${var.project_id}',
      name: 'dfchain-timers',
      location: '${var.region}',
      depends_on: ['${google_project_service.apis}'],
    });
    assert.deepEqual(resource('google_cloud_tasks_queue_iam_member', 'function_enqueues'), {
      project: '${var.project_id}',
      location: '${google_cloud_tasks_queue.timers.location}',
      name: '${google_cloud_tasks_queue.timers.name}',
      role: 'roles/cloudtasks.enqueuer',
      member: '${local.function_sa}',
    });
    assert.deepEqual(resource('google_service_account_iam_member', 'function_acts_as_itself'), {
      service_account_id: '${google_service_account.function.name}',
      role: 'roles/iam.serviceAccountUser',
      member: '${local.function_sa}',
    });
    assert.deepEqual(resource('google_pubsub_topic_iam_member', 'function_publishes_timers'), {
      project: '${var.project_id}',
      topic: '${google_pubsub_topic.events.name}',
      role: 'roles/pubsub.publisher',
      member: '${local.function_sa}',
    });
    const dependsOn = resource('google_cloudfunctions2_function', 'dfchain')['depends_on'];
    for (const grant of [
      '${google_cloud_tasks_queue_iam_member.function_enqueues}',
      '${google_service_account_iam_member.function_acts_as_itself}',
      '${google_pubsub_topic_iam_member.function_publishes_timers}',
    ]) {
      assert.ok((dependsOn as string[]).includes(grant), grant);
    }
    assert.ok(tf['output']?.['timers_queue'], 'timers_queue output');
  });

  it('publishes the tick every 5 minutes; eventarc per region the chains use', () => {
    const tick = resource('google_cloud_scheduler_job', 'tick');
    assert.equal(tick['schedule'], '*/5 * * * *');
    assert.equal(
      first(tick, 'pubsub_target')['data'],
      '${base64encode(jsonencode({ dfchain = "tick" }))}',
    );
    const eventarc = resource('google_eventarc_trigger', 'dataflow');
    assert.equal(eventarc['for_each'], '${var.eventarc ? toset(local.facts.regions) : toset([])}');
    assert.equal(eventarc['location'], '${each.value}');
    assert.equal(eventarc['name'], 'dfchain-dataflow-${each.value}');
    assert.equal(
      first(eventarc, 'matching_criteria')['value'],
      'google.cloud.dataflow.job.v1beta3.statusChanged',
    );
    assert.equal(tf['variable']?.['eventarc']?.[0]?.['default'], true);
  });

  it('missed deadlines: a log-based metric of run.deadline_missed by chain, and an alert policy on its first line', () => {
    const metric = resource('google_logging_metric', 'deadline_missed');
    assert.equal(metric['name'], 'dfchain-deadline-missed');
    assert.equal(metric['filter'], 'jsonPayload.event="run.deadline_missed"');
    assert.deepEqual(metric['label_extractors'], { chain: 'EXTRACT(jsonPayload.chain)' });
    const descriptor = first(metric, 'metric_descriptor');
    assert.deepEqual([descriptor['metric_kind'], descriptor['value_type']], ['DELTA', 'INT64']);
    assert.equal(first(descriptor, 'labels')['key'], 'chain');

    const policy = resource('google_monitoring_alert_policy', 'deadline_missed');
    // deploy.sh finds its policy by this name (infra/alert-deadline-missed.json).
    assert.equal(policy['display_name'], 'dfchain: run deadline missed');
    const condition = first(first(policy, 'conditions'), 'condition_threshold');
    assert.equal(
      condition['filter'],
      'metric.type="logging.googleapis.com/user/${google_logging_metric.deadline_missed.name}"',
    );
    assert.deepEqual(
      [condition['comparison'], condition['threshold_value'], condition['duration']],
      ['COMPARISON_GT', 0, '0s'],
    );
    assert.deepEqual(first(condition, 'aggregations'), {
      alignment_period: '60s',
      per_series_aligner: 'ALIGN_SUM',
      cross_series_reducer: 'REDUCE_SUM',
      group_by_fields: ['metric.label.chain'],
    });
    assert.equal(policy['notification_channels'], '${var.alert_notification_channels}');
    assert.deepEqual(tf['variable']?.['alert_notification_channels']?.[0]?.['default'], []);
    assert.match(String(first(policy, 'documentation')['content']), /run\.deadline_missed/);
    assert.match(readFileSync(join(MODULE, 'main.tf'), 'utf8'), /"monitoring\.googleapis\.com"/);
  });

  it('declares the metrics deploy.sh makes from infra/metrics/*.json: same names, filters, extractors, kinds and buckets', () => {
    const metrics = Object.values(
      (tf['resource']?.['google_logging_metric'] ?? {}) as unknown as Record<string, Block[]>,
    ).map((blocks) => blocks[0]!);
    const files = readdirSync(join(ROOT, 'infra/metrics')).filter((f) => f.endsWith('.json'));
    assert.deepEqual(
      metrics.map((m) => m['name']).sort(),
      files.map((f) => f.replace(/\.json$/, '')).sort(),
      'the same metric names in Terraform and infra/metrics',
    );
    for (const file of files) {
      const config = JSON.parse(readFileSync(join(ROOT, 'infra/metrics', file), 'utf8')) as {
        filter: string;
        labelExtractors: Record<string, string>;
        valueExtractor?: string;
        metricDescriptor: {
          metricKind: string;
          valueType: string;
          unit: string;
          labels: { key: string }[];
        };
        bucketOptions?: {
          exponentialBuckets: { numFiniteBuckets: number; growthFactor: number; scale: number };
        };
      };
      const metric = metrics.find((m) => m['name'] === file.replace(/\.json$/, ''))!;
      assert.equal(metric['filter'], config.filter, file);
      assert.deepEqual(metric['label_extractors'], config.labelExtractors, file);
      assert.equal(metric['value_extractor'], config.valueExtractor, file);
      const descriptor = first(metric, 'metric_descriptor');
      assert.deepEqual(
        [descriptor['metric_kind'], descriptor['value_type'], descriptor['unit']],
        [
          config.metricDescriptor.metricKind,
          config.metricDescriptor.valueType,
          config.metricDescriptor.unit,
        ],
        file,
      );
      assert.deepEqual(
        (descriptor['labels'] as Block[]).map((l) => l['key']),
        config.metricDescriptor.labels.map((l) => l.key),
        file,
      );
      if (config.bucketOptions) {
        const buckets = first(first(metric, 'bucket_options'), 'exponential_buckets');
        const want = config.bucketOptions.exponentialBuckets;
        assert.deepEqual(
          [buckets['num_finite_buckets'], buckets['growth_factor'], buckets['scale']],
          [want.numFiniteBuckets, want.growthFactor, want.scale],
          file,
        );
      } else assert.equal(metric['bucket_options'], undefined, file);
    }
  });

  it('failed runs: a log-match alert policy like infra/alert-runs-failed.json, told the same channels', () => {
    const policy = resource('google_monitoring_alert_policy', 'runs_failed');
    const json = JSON.parse(readFileSync(join(ROOT, 'infra/alert-runs-failed.json'), 'utf8')) as {
      displayName: string;
      documentation: { content: string };
      conditions: {
        displayName: string;
        conditionMatchedLog: { filter: string; labelExtractors: Record<string, string> };
      }[];
      alertStrategy: { notificationRateLimit: { period: string }; autoClose: string };
    };
    assert.equal(policy['display_name'], json.displayName);
    const condition = first(policy, 'conditions');
    assert.equal(condition['display_name'], json.conditions[0]!.displayName);
    const matched = first(condition, 'condition_matched_log');
    assert.equal(matched['filter'], json.conditions[0]!.conditionMatchedLog.filter);
    assert.deepEqual(
      matched['label_extractors'],
      json.conditions[0]!.conditionMatchedLog.labelExtractors,
    );
    const strategy = first(policy, 'alert_strategy');
    assert.equal(
      first(strategy, 'notification_rate_limit')['period'],
      json.alertStrategy.notificationRateLimit.period,
    );
    assert.equal(strategy['auto_close'], json.alertStrategy.autoClose);
    assert.equal(first(policy, 'documentation')['content'], json.documentation.content);
    assert.equal(policy['notification_channels'], '${var.alert_notification_channels}');
  });

  it('schedules: one scheduler job per chain Schedule of chain_facts, named and published as deploy.sh does', () => {
    const job = resource('google_cloud_scheduler_job', 'schedule');
    assert.equal(job['for_each'], '${local.schedules}');
    const locals = tf['locals'] as unknown as Block[];
    assert.equal(
      locals.find((l) => 'schedules' in l)?.['schedules'],
      '${{ for s in try(local.facts.schedules, []) : s.chain => s }}',
    );
    assert.equal(job['name'], 'dfchain-schedule-${each.key}');
    assert.equal(job['schedule'], '${each.value.cron}');
    assert.equal(job['time_zone'], '${try(each.value.timeZone, "Etc/UTC")}');
    assert.equal(job['region'], '${var.region}');
    const target = first(job, 'pubsub_target');
    assert.equal(target['topic_name'], '${google_pubsub_topic.events.id}');
    assert.equal(
      target['data'],
      '${base64encode(try(tostring(each.value.message), jsonencode(each.value.message)))}',
    );
  });

  it('triggers: one bucket notification per notifications entry of chain_facts, as deploy.sh makes them, after the agent may publish', () => {
    const locals = tf['locals'] as unknown as Block[];
    assert.equal(
      locals.find((l) => 'notifications' in l)?.['notifications'],
      '${{ for n in try(local.facts.notifications, []) : "${n.bucket}/${n.prefix}" => n }}',
    );
    const notification = resource('google_storage_notification', 'trigger');
    assert.equal(notification['for_each'], '${local.notifications}');
    assert.equal(notification['bucket'], '${each.value.bucket}');
    assert.equal(notification['payload_format'], 'JSON_API_V1');
    assert.equal(notification['topic'], '${google_pubsub_topic.events.id}');
    assert.deepEqual(notification['event_types'], ['OBJECT_FINALIZE']);
    assert.equal(
      notification['object_name_prefix'],
      '${each.value.prefix == "" ? null : each.value.prefix}',
    );
    assert.deepEqual(notification['depends_on'], [
      '${google_pubsub_topic_iam_member.storage_publisher}',
    ]);
    const grant = resource('google_pubsub_topic_iam_member', 'storage_publisher');
    assert.equal(grant['topic'], '${google_pubsub_topic.events.name}');
    assert.equal(grant['role'], 'roles/pubsub.publisher');
    assert.equal(
      grant['member'],
      'serviceAccount:${data.google_storage_project_service_account.gcs[0].email_address}',
    );
    assert.equal(grant['count'], '${length(local.notifications) > 0 ? 1 : 0}');
  });
});
