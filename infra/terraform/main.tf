# dfchain: the same stack infra/deploy.sh creates, as a module.

data "google_project" "this" {
  project_id = var.project_id
}

locals {
  source_dir = coalesce(var.source_dir, abspath("${path.module}/../.."))
  facts      = jsondecode(var.chain_facts)
  own_worker = var.worker_service_account == null
  # Spelled out rather than read from the resource: for_each keys must be known when planning.
  worker_sa    = local.own_worker ? "dfchain-worker@${var.project_id}.iam.gserviceaccount.com" : var.worker_service_account
  pubsub_agent = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-pubsub.iam.gserviceaccount.com"
  function_sa  = "serviceAccount:${google_service_account.function.email}"
  trigger_sa   = "serviceAccount:${google_service_account.trigger.email}"
  build_sa     = "serviceAccount:${google_service_account.build.email}"
  # The function may act as the default worker account and every account a chain names.
  act_as           = setunion([local.worker_sa], local.facts.serviceAccounts)
  template_buckets = setunion(local.facts.templateBuckets, var.template_buckets)
  # What `npm run gcp-build` and the function need, and nothing else (as .gcloudignore).
  source_files = setunion(
    ["package.json", "package-lock.json", "tsconfig.json", "tsconfig.build.json"],
    fileset(local.source_dir, "src/**"),
    fileset(local.source_dir, "dag/**"),
  )
  apis = [
    "cloudfunctions.googleapis.com", "run.googleapis.com", "cloudbuild.googleapis.com",
    "artifactregistry.googleapis.com", "eventarc.googleapis.com", "pubsub.googleapis.com",
    "logging.googleapis.com", "dataflow.googleapis.com", "firestore.googleapis.com",
    "cloudscheduler.googleapis.com", "iam.googleapis.com", "cloudtasks.googleapis.com",
    "monitoring.googleapis.com",
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

resource "google_service_account" "build" {
  project      = var.project_id
  account_id   = "dfchain-build"
  display_name = "dfchain build"
}

resource "google_service_account" "worker" {
  count        = local.own_worker ? 1 : 0
  project      = var.project_id
  account_id   = "dfchain-worker"
  display_name = "dfchain Dataflow workers"
}

# Only the Dataflow calls dfchain makes: jobs.get, jobs.list, flexTemplates.launch (which
# needs dataflow.jobs.create): https://cloud.google.com/dataflow/docs/concepts/access-control,
# a cancel (jobs.update "Requires the dataflow.jobs.cancel permission to cancel a job"), and
# jobs.getMetrics when a job ends (the cost of a run), which needs dataflow.metrics.get. A run:job
# Task runs a Cloud Run job with overrides, reads, lists and cancels its executions
# (https://cloud.google.com/run/docs/reference/iam/permissions; docs/cloud-run.md §5).
resource "google_project_iam_custom_role" "launcher" {
  project     = var.project_id
  role_id     = "dfchainLauncher"
  title       = "dfchain launcher"
  description = "Launch flex templates and Cloud Run job executions, read and cancel them, read job metrics: what the dfchain function calls"
  permissions = ["dataflow.jobs.create", "dataflow.jobs.get", "dataflow.jobs.list", "dataflow.jobs.cancel", "dataflow.metrics.get", "run.jobs.run", "run.jobs.runWithOverrides", "run.executions.get", "run.executions.list", "run.executions.cancel"]
}

resource "google_project_iam_member" "function_launcher" {
  project = var.project_id
  role    = google_project_iam_custom_role.launcher.id
  member  = local.function_sa
}

# The run store: dfchain's own database only
# (https://cloud.google.com/firestore/native/docs/manage-databases#configure_database_access_conditions).
resource "google_project_iam_member" "function_datastore" {
  project = var.project_id
  role    = "roles/datastore.user"
  member  = local.function_sa
  condition {
    title       = "dfchain-database-only"
    description = "Only the dfchain database"
    expression  = "resource.name==\"projects/${var.project_id}/databases/${var.firestore_database}\""
  }
}

resource "google_service_account_iam_member" "function_acts_as" {
  for_each           = local.act_as
  service_account_id = "projects/${var.project_id}/serviceAccounts/${each.value}"
  role               = "roles/iam.serviceAccountUser"
  member             = local.function_sa
  depends_on         = [google_service_account.worker]
}

# A flex template launch reads the template spec as the caller; the launcher VM, as the worker.
resource "google_storage_bucket_iam_member" "function_reads_templates" {
  for_each = local.template_buckets
  bucket   = each.value
  role     = "roles/storage.objectViewer"
  member   = local.function_sa
}

# A Map's ItemReader lists and reads objects as the function.
resource "google_storage_bucket_iam_member" "function_reads_items" {
  for_each = toset(local.facts.readerBuckets)
  bucket   = each.value
  role     = "roles/storage.objectViewer"
  member   = local.function_sa
}

resource "google_storage_bucket_iam_member" "worker_reads_templates" {
  for_each   = local.own_worker ? local.template_buckets : toset([])
  bucket     = each.value
  role       = "roles/storage.objectViewer"
  member     = "serviceAccount:${local.worker_sa}"
  depends_on = [google_service_account.worker]
}

resource "google_storage_bucket_iam_member" "worker_writes_work" {
  for_each   = local.own_worker ? toset(local.facts.workBuckets) : toset([])
  bucket     = each.value
  role       = "roles/storage.objectAdmin"
  member     = "serviceAccount:${local.worker_sa}"
  depends_on = [google_service_account.worker]
}

# Workers lease work items; the flex template launcher VM pulls the template image.
resource "google_project_iam_member" "worker" {
  for_each   = local.own_worker ? toset(["roles/dataflow.worker", "roles/artifactregistry.reader"]) : toset([])
  project    = var.project_id
  role       = each.value
  member     = "serviceAccount:${local.worker_sa}"
  depends_on = [google_service_account.worker]
}

# Cloud Build builds as dfchain-build: logs, the image, and the uploaded source
# (https://cloud.google.com/functions/1stgendocs/securing/build-custom-sa).
resource "google_project_iam_member" "build" {
  for_each = toset(["roles/logging.logWriter", "roles/artifactregistry.writer"])
  project  = var.project_id
  role     = each.value
  member   = local.build_sa
}

resource "google_storage_bucket_iam_member" "build_reads_source" {
  bucket = google_storage_bucket.source.name
  role   = "roles/storage.objectViewer"
  member = local.build_sa
}

# Timers: a Cloud Tasks queue in the function's region. The function creates a named task per
# timer (roles/cloudtasks.enqueuer on this queue only); at the due time the task POSTs the timer
# to Pub/Sub's REST publish with an OAuth token of the function's account, so that account
# publishes on the topic, and the function must be allowed to act as it ("The caller must have
# iam.serviceAccounts.actAs permission for the service account", google.cloud.tasks.v2.OAuthToken).
resource "google_cloud_tasks_queue" "timers" {
  project    = var.project_id
  name       = "dfchain-timers"
  location   = var.region
  depends_on = [google_project_service.apis]
}

resource "google_cloud_tasks_queue_iam_member" "function_enqueues" {
  project  = var.project_id
  location = google_cloud_tasks_queue.timers.location
  name     = google_cloud_tasks_queue.timers.name
  role     = "roles/cloudtasks.enqueuer"
  member   = local.function_sa
}

resource "google_service_account_iam_member" "function_acts_as_itself" {
  service_account_id = google_service_account.function.name
  role               = "roles/iam.serviceAccountUser"
  member             = local.function_sa
}

resource "google_pubsub_topic_iam_member" "function_publishes_timers" {
  project = var.project_id
  topic   = google_pubsub_topic.events.name
  role    = "roles/pubsub.publisher"
  member  = local.function_sa
}

resource "google_firestore_database" "dfchain" {
  count           = var.create_firestore_database ? 1 : 0
  project         = var.project_id
  name            = var.firestore_database
  location_id     = coalesce(var.firestore_location, var.region)
  type            = "FIRESTORE_NATIVE"
  deletion_policy = "ABANDON"
  depends_on      = [google_project_service.apis]
}

# The function's source, as an allow-list (the same files .gcloudignore lets gcloud upload).
data "archive_file" "source" {
  type        = "zip"
  output_path = "${path.root}/.terraform/dfchain-source.zip"
  dynamic "source" {
    for_each = local.source_files
    content {
      content  = file("${local.source_dir}/${source.value}")
      filename = source.value
    }
  }
}

resource "google_storage_bucket" "source" {
  project                     = var.project_id
  name                        = "${var.project_id}-dfchain-source"
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
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
    # nodejs20 was decommissioned on 2026-10-30 (issue 7).
    runtime         = "nodejs22"
    entry_point     = "dfchain"
    service_account = google_service_account.build.id
    source {
      storage_source {
        bucket = google_storage_bucket.source.name
        object = google_storage_bucket_object.source.name
      }
    }
  }
  service_config {
    # The budget inside the 540 s an event function may run is in README "Deploying".
    timeout_seconds    = 540
    available_memory   = var.memory
    max_instance_count = var.max_instances
    # Pub/Sub and Eventarc of this project still deliver (https://cloud.google.com/run/docs/securing/ingress).
    ingress_settings      = "ALLOW_INTERNAL_ONLY"
    service_account_email = google_service_account.function.email
    environment_variables = {
      GOOGLE_CLOUD_PROJECT             = var.project_id
      DFCHAIN_CHAINS_DIR               = var.chains_dir
      DFCHAIN_FIRESTORE_DATABASE       = var.firestore_database
      DFCHAIN_DATAFLOW_TIMEOUT_SECONDS = "30"
      DFCHAIN_WORKER_SERVICE_ACCOUNT   = local.worker_sa
      DFCHAIN_TIMERS                   = "cloudtasks"
      DFCHAIN_TOPIC                    = google_pubsub_topic.events.name
      DFCHAIN_TASKS_QUEUE              = google_cloud_tasks_queue.timers.name
      DFCHAIN_TASKS_LOCATION           = google_cloud_tasks_queue.timers.location
      DFCHAIN_TIMER_SERVICE_ACCOUNT    = google_service_account.function.email
    }
  }
  event_trigger {
    trigger_region        = var.region
    event_type            = "google.cloud.pubsub.topic.v1.messagePublished"
    pubsub_topic          = google_pubsub_topic.events.id
    retry_policy          = "RETRY_POLICY_RETRY"
    service_account_email = google_service_account.trigger.email
  }
  depends_on = [
    google_project_iam_member.function_launcher,
    google_project_iam_member.function_datastore,
    google_service_account_iam_member.function_acts_as,
    google_project_iam_member.build,
    google_storage_bucket_iam_member.build_reads_source,
    google_cloud_tasks_queue_iam_member.function_enqueues,
    google_service_account_iam_member.function_acts_as_itself,
    google_pubsub_topic_iam_member.function_publishes_timers,
  ]
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

# Dataflow's own statusChanged events, as a second, faster path (on unless eventarc = false).
resource "google_project_iam_member" "trigger_event_receiver" {
  count   = var.eventarc ? 1 : 0
  project = var.project_id
  role    = "roles/eventarc.eventReceiver"
  member  = local.trigger_sa
}

# A trigger sees only the jobs of its own location: one per region the chains use.
resource "google_eventarc_trigger" "dataflow" {
  for_each        = var.eventarc ? toset(local.facts.regions) : toset([])
  project         = var.project_id
  name            = "dfchain-dataflow-${each.value}"
  location        = each.value
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

# A computed template path names a bucket only at run time: say so when none is given.
check "computed_template_paths" {
  assert {
    condition     = length(local.facts.computedTemplatePaths) == 0 || length(var.template_buckets) > 0
    error_message = "Tasks compute their template path at run time (${join(", ", local.facts.computedTemplatePaths)}): set template_buckets to the buckets they can name, or the function may not read their templates."
  }
}
