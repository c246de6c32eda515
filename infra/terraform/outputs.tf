output "function_uri" {
  description = "HTTPS endpoint of the function (authenticated callers only)."
  value       = google_cloudfunctions2_function.dfchain.service_config[0].uri
}

output "events_topic" {
  description = "Topic for start and tick commands and the sink's log entries."
  value       = google_pubsub_topic.events.id
}

output "dead_letter_subscription" {
  description = "Where messages that failed every delivery are kept for 7 days."
  value       = google_pubsub_subscription.dead_letter.id
}

output "sink_writer_identity" {
  description = "Identity the Log Router sink publishes as."
  value       = google_logging_project_sink.jobs.writer_identity
}

output "function_service_account" {
  description = "Service account the function runs as."
  value       = google_service_account.function.email
}

output "trigger_service_account" {
  description = "Service account the triggers invoke the function as."
  value       = google_service_account.trigger.email
}

output "build_service_account" {
  description = "Service account Cloud Build builds the function as."
  value       = google_service_account.build.email
}

output "worker_service_account" {
  description = "Service account of the Dataflow workers for Tasks that name none."
  value       = local.worker_sa
}

output "timers_queue" {
  description = "Cloud Tasks queue the function's timers wait in."
  value       = google_cloud_tasks_queue.timers.id
}
