import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT } from './shell-script.js';

// Loaded untyped, as in terraform.test.ts: its declarations pull the DOM lib into the program.
const { parse } = createRequire(import.meta.url)('@cdktf/hcl2json') as {
  parse: (file: string, text: string) => Promise<Record<string, unknown>>;
};

type Block = Record<string, unknown>;

describe('infra/terraform: topics of pubsub:publish Tasks (publish-topics.tf)', () => {
  let tf: Record<string, unknown>;

  before(async () => {
    const file = join(ROOT, 'infra/terraform/publish-topics.tf');
    tf = await parse('publish-topics.tf', readFileSync(file, 'utf8'));
  });

  it('grants the function roles/pubsub.publisher on each publishTopics entry of chain_facts, as deploy.sh does', () => {
    const locals = tf['locals'] as Block[];
    assert.equal(
      locals.find((l) => 'publish_topics' in l)?.['publish_topics'],
      '${toset(try(local.facts.publishTopics, []))}',
    );
    const resources = tf['resource'] as Record<string, Record<string, Block[]>>;
    const grant = resources['google_pubsub_topic_iam_member']?.['task_publisher']?.[0];
    assert.ok(grant);
    assert.equal(grant['for_each'], '${local.publish_topics}');
    assert.equal(grant['topic'], '${each.value}');
    // A full projects/P/topics/T name carries its project; a bare ID is in the deploy's project.
    assert.equal(
      grant['project'],
      '${startswith(each.value, "projects/") ? null : var.project_id}',
    );
    assert.equal(grant['role'], 'roles/pubsub.publisher');
    assert.equal(grant['member'], 'serviceAccount:${google_service_account.function.email}');
  });

  it('a check names the Tasks whose topic is computed at run time', () => {
    const checks = tf['check'] as Record<string, Block[]>;
    const assertion = (checks['computed_publish_topics']?.[0]?.['assert'] as Block[])[0]!;
    assert.equal(
      assertion['condition'],
      '${length(try(local.facts.computedPublishTopics, [])) == 0}',
    );
    assert.match(
      String(assertion['error_message']),
      /grant the function's service account roles\/pubsub\.publisher/,
    );
  });
});
