# dfchain: the same stack infra/deploy.sh creates, as a module.

data "google_project" "this" {
  project_id = var.project_id
}

locals {
  source_dir   = coalesce(var.source_dir, abspath("${path.module}/../.."))
  worker_sa    = coalesce(var.worker_service_account, "${data.google_project.this.number}-compute@developer.gserviceaccount.com")
  pubsub_agent = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-pubsub.iam.gserviceaccount.com"
  function_sa  = "serviceAccount:${google_service_account.function.email}"
  trigger_sa   = "serviceAccount:${google_service_account.trigger.email}"
  apis = [
    "cloudfunctions.googleapis.com", "run.googleapis.com", "cloudbuild.googleapis.com",
    "artifactregistry.googleapis.com", "eventarc.googleapis.com", "pubsub.googleapis.com",
    "logging.googleapis.com", "dataflow.googleapis.com", "firestore.googleapis.com",
    "cloudscheduler.googleapis.com", "iam.googleapis.com",
  ]
}

resource "google_project_service" "apis" {
  for_each           = toset(local.apis)
  project            = var.project_id
  service            = each.value
  disable_on_destroy = false
}

# Topics. Dead-lettered messages are kept by a subscription of their own.
resource "google_pubsub_topic" "events" {
  project    = var.project_id
  name       = "dfchain-events"
  depends_on = [google_project_service.apis]
}

resource "google_pubsub_topic" "dead_letter" {
  project    = var.project_id
  name       = "dfchain-events-dead"
  depends_on = [google_project_service.apis]
}

resource "google_pubsub_subscription" "dead_letter" {
  project                    = var.project_id
  name                       = "dfchain-events-dead"
  topic                      = google_pubsub_topic.dead_letter.id
  message_retention_duration = "604800s"
  expiration_policy {
    ttl = ""
  }
}

resource "google_pubsub_topic_iam_member" "dead_letter_publisher" {
  project = var.project_id
  topic   = google_pubsub_topic.dead_letter.name
  role    = "roles/pubsub.publisher"
  member  = local.pubsub_agent
}

# The sink sends only dfchain jobs' last job message; without the publisher role it sends nothing.
resource "google_logging_project_sink" "jobs" {
  project                = var.project_id
  name                   = "dfchain-jobs"
  description            = "Dataflow job ends of dfchain chains, to the dfchain function"
  destination            = "pubsub.googleapis.com/${google_pubsub_topic.events.id}"
  filter                 = var.sink_filter
  unique_writer_identity = true
}

resource "google_pubsub_topic_iam_member" "sink_writer" {
  project = var.project_id
  topic   = google_pubsub_topic.events.name
  role    = "roles/pubsub.publisher"
  member  = google_logging_project_sink.jobs.writer_identity
}

# Service accounts, each with only the roles it uses.
resource "google_service_account" "function" {
  project      = var.project_id
  account_id   = "dfchain-fn"
  display_name = "dfchain function"
}

resource "google_service_account" "trigger" {
  project      = var.project_id
  account_id   = "dfchain-trigger"
  display_name = "dfchain trigger"
}

resource "google_project_iam_member" "function" {
  for_each = toset(["roles/dataflow.developer", "roles/datastore.user", "roles/logging.logWriter"])
  project  = var.project_id
  role     = each.value
  member   = local.function_sa
}

resource "google_service_account_iam_member" "function_acts_as_worker" {
  service_account_id = "projects/${var.project_id}/serviceAccounts/${local.worker_sa}"
  role               = "roles/iam.serviceAccountUser"
  member             = local.function_sa
}

resource "google_firestore_database" "default" {
  count           = var.create_firestore_database ? 1 : 0
  project         = var.project_id
  name            = "(default)"
  location_id     = coalesce(var.firestore_location, var.region)
  type            = "FIRESTORE_NATIVE"
  deletion_policy = "ABANDON"
  depends_on      = [google_project_service.apis]
}

# The function's source: the repository without what Cloud Build does not need.
data "archive_file" "source" {
  type        = "zip"
  source_dir  = local.source_dir
  output_path = "${path.root}/.terraform/dfchain-source.zip"
  excludes    = ["node_modules", "dist", "build", "test", ".bench", ".git", ".ci", "infra", "coverage"]
}

resource "google_storage_bucket" "source" {
  project                     = var.project_id
  name                        = "${var.project_id}-dfchain-source"
  location                    = var.region
  uniform_bucket_level_access = true
  force_destroy               = true
}

resource "google_storage_bucket_object" "source" {
  name   = "dfchain-${data.archive_file.source.output_md5}.zip"
  bucket = google_storage_bucket.source.name
  source = data.archive_file.source.output_path
}

resource "google_cloudfunctions2_function" "dfchain" {
  project  = var.project_id
  name     = "dfchain"
  location = var.region
  build_config {
    runtime     = "nodejs20"
    entry_point = "dfchain"
    source {
      storage_source {
        bucket = google_storage_bucket.source.name
        object = google_storage_bucket_object.source.name
      }
    }
  }
  service_config {
    timeout_seconds       = 300
    service_account_email = google_service_account.function.email
    environment_variables = {
      GOOGLE_CLOUD_PROJECT = var.project_id
      DFCHAIN_CHAINS_DIR   = var.chains_dir
    }
  }
  event_trigger {
    trigger_region        = var.region
    event_type            = "google.cloud.pubsub.topic.v1.messagePublished"
    pubsub_topic          = google_pubsub_topic.events.id
    retry_policy          = "RETRY_POLICY_RETRY"
    service_account_email = google_service_account.trigger.email
  }
  depends_on = [google_project_iam_member.function, google_service_account_iam_member.function_acts_as_worker]
}

# Only the trigger may invoke the function.
resource "google_cloud_run_service_iam_member" "trigger_invoker" {
  project  = var.project_id
  location = var.region
  service  = google_cloudfunctions2_function.dfchain.name
  role     = "roles/run.invoker"
  member   = local.trigger_sa
}

# The trigger's subscription is created by Eventarc, outside Terraform: give it the dead-letter
# policy (and the Pub/Sub service agent the right to move messages off it) with gcloud.
resource "terraform_data" "trigger_dead_letter" {
  triggers_replace = [
    google_cloudfunctions2_function.dfchain.event_trigger[0].trigger,
    google_pubsub_topic.dead_letter.id,
    var.max_delivery_attempts,
  ]
  provisioner "local-exec" {
    interpreter = ["bash", "-c"]
    command     = <<-EOT
      set -euo pipefail
      subscription=$(gcloud eventarc triggers describe "$TRIGGER" --format='value(transport.pubsub.subscription)')
      gcloud pubsub subscriptions update "$subscription" --dead-letter-topic="$DEAD_LETTER_TOPIC" --max-delivery-attempts="$ATTEMPTS"
      gcloud pubsub subscriptions add-iam-policy-binding "$subscription" --member="$PUBSUB_AGENT" --role=roles/pubsub.subscriber
    EOT
    environment = {
      TRIGGER           = google_cloudfunctions2_function.dfchain.event_trigger[0].trigger
      DEAD_LETTER_TOPIC = google_pubsub_topic.dead_letter.id
      ATTEMPTS          = var.max_delivery_attempts
      PUBSUB_AGENT      = local.pubsub_agent
    }
  }
  depends_on = [google_pubsub_topic_iam_member.dead_letter_publisher]
}

resource "google_cloud_scheduler_job" "tick" {
  project   = var.project_id
  region    = var.region
  name      = "dfchain-tick"
  schedule  = "*/5 * * * *"
  time_zone = "Etc/UTC"
  pubsub_target {
    topic_name = google_pubsub_topic.events.id
    data       = base64encode(jsonencode({ dfchain = "tick" }))
  }
  depends_on = [google_project_service.apis]
}

# Optional: Dataflow's own statusChanged events, as a second, faster path.
resource "google_project_iam_member" "trigger_event_receiver" {
  count   = var.eventarc ? 1 : 0
  project = var.project_id
  role    = "roles/eventarc.eventReceiver"
  member  = local.trigger_sa
}

resource "google_eventarc_trigger" "dataflow" {
  count           = var.eventarc ? 1 : 0
  project         = var.project_id
  name            = "dfchain-dataflow"
  location        = var.region
  service_account = google_service_account.trigger.email
  matching_criteria {
    attribute = "type"
    value     = "google.cloud.dataflow.job.v1beta3.statusChanged"
  }
  destination {
    cloud_run_service {
      service = google_cloudfunctions2_function.dfchain.name
      region  = var.region
    }
  }
  depends_on = [google_project_iam_member.trigger_event_receiver, google_cloud_run_service_iam_member.trigger_invoker]
}
