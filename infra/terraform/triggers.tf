# One Cloud Storage notification per bucket and object-name prefix the chains' Triggers use, as
# infra/deploy.sh makes them (infra/triggers.sh): OBJECT_FINALIZE events with the object as
# JSON (JSON_API_V1) on the events topic. They come with the other chain facts
# (var.chain_facts: notifications [{bucket, prefix}], prefix "" for a whole bucket), so a
# regenerated chain_facts adds and (for_each) deletes them. Facts generated before triggers
# existed have no `notifications`: none. Cloud Storage publishes as the project's Cloud Storage
# service agent, which must be allowed to publish on the topic; google_storage_notification's
# documentation grants it the same way
# (https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/storage_notification).
# A bucket of another project publishes as that project's agent, granted by hand.
locals {
  notifications = { for n in try(local.facts.notifications, []) : "${n.bucket}/${n.prefix}" => n }
}

data "google_storage_project_service_account" "gcs" {
  count   = length(local.notifications) > 0 ? 1 : 0
  project = var.project_id
}

resource "google_pubsub_topic_iam_member" "storage_publisher" {
  count   = length(local.notifications) > 0 ? 1 : 0
  project = var.project_id
  topic   = google_pubsub_topic.events.name
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:${data.google_storage_project_service_account.gcs[0].email_address}"
}

resource "google_storage_notification" "trigger" {
  for_each           = local.notifications
  bucket             = each.value.bucket
  payload_format     = "JSON_API_V1"
  topic              = google_pubsub_topic.events.id
  event_types        = ["OBJECT_FINALIZE"]
  object_name_prefix = each.value.prefix == "" ? null : each.value.prefix
  # The publish grant first: a notification is refused while its topic denies the agent.
  depends_on = [google_pubsub_topic_iam_member.storage_publisher]
}
