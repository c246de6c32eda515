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

/** All .tf files of the module, merged by block kind (resource, variable, …). */
async function loadModule(): Promise<Record<string, Record<string, Block[]>>> {
  const merged: Record<string, Record<string, Block[]>> = {};
  for (const file of readdirSync(MODULE).filter((f) => f.endsWith('.tf'))) {
    const parsed = await parse(file, readFileSync(join(MODULE, file), 'utf8'));
    for (const [kind, blocks] of Object.entries(parsed)) {
      merged[kind] = { ...merged[kind], ...(blocks as Record<string, Block[]>) };
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
      'google_firestore_database.default',
      'google_cloudfunctions2_function.dfchain',
      'google_cloud_run_service_iam_member.trigger_invoker',
      'google_cloud_scheduler_job.tick',
      'google_eventarc_trigger.dataflow',
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
      resource('google_project_iam_member', 'function')['for_each'],
      '${toset(["roles/dataflow.developer", "roles/datastore.user", "roles/logging.logWriter"])}',
    );
    assert.equal(
      resource('google_service_account_iam_member', 'function_acts_as_worker')['role'],
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
    assert.doesNotMatch(text, /allUsers|allAuthenticatedUsers|roles\/(editor|owner)"/);
  });

  it('publishes the tick every 5 minutes and adds Eventarc only when asked', () => {
    const tick = resource('google_cloud_scheduler_job', 'tick');
    assert.equal(tick['schedule'], '*/5 * * * *');
    assert.equal(
      first(tick, 'pubsub_target')['data'],
      '${base64encode(jsonencode({ dfchain = "tick" }))}',
    );
    const eventarc = resource('google_eventarc_trigger', 'dataflow');
    assert.equal(eventarc['count'], '${var.eventarc ? 1 : 0}');
    assert.equal(
      first(eventarc, 'matching_criteria')['value'],
      'google.cloud.dataflow.job.v1beta3.statusChanged',
    );
  });
});
