# The function publishes the messages of the chains' `pubsub:publish` and
# `pubsub:publish.waitForTaskToken` Tasks as its own account, which needs roles/pubsub.publisher
# on each topic (https://cloud.google.com/pubsub/docs/publisher), as infra/deploy.sh grants it
# (infra/publish-topics.sh). The topics come with the other chain facts (var.chain_facts:
# publishTopics, each as the Task names it: an ID in var.project_id, or projects/P/topics/T);
# they are the workloads' and are never created here. A Task whose topic is computed at run time
# (computedPublishTopics, `topic.$`) names no topic before the run: grant that one by hand.
# google_pubsub_topic_iam_member takes the topic's name or its projects/P/topics/T id, the
# project coming from the id when it holds one
# (https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/pubsub_topic_iam).
locals {
  publish_topics = toset(try(local.facts.publishTopics, []))
}

resource "google_pubsub_topic_iam_member" "task_publisher" {
  for_each = local.publish_topics
  project  = startswith(each.value, "projects/") ? null : var.project_id
  topic    = each.value
  role     = "roles/pubsub.publisher"
  member   = "serviceAccount:${google_service_account.function.email}"
}

check "computed_publish_topics" {
  assert {
    condition     = length(try(local.facts.computedPublishTopics, [])) == 0
    error_message = "Tasks compute their topic at run time (${join(", ", try(local.facts.computedPublishTopics, []))}): grant the function's service account roles/pubsub.publisher on each topic they can name, by hand."
  }
}
