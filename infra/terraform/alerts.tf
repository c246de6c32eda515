# A run still running past its chain's Deadline logs one run.deadline_missed line at severity
# ALERT (fired by its timer, not by the run's next event): a metric counts those lines by chain,
# and an alert policy opens an incident on the first one. infra/deploy.sh creates the same metric
# and policy (same names; its metric has no chain label).
resource "google_logging_metric" "deadline_missed" {
  project     = var.project_id
  name        = "dfchain-deadline-missed"
  description = "dfchain runs still running past their chain's Deadline: one per run.deadline_missed log line."
  filter      = "jsonPayload.event=\"run.deadline_missed\""
  metric_descriptor {
    metric_kind  = "DELTA"
    value_type   = "INT64"
    unit         = "1"
    display_name = "dfchain missed deadlines"
    labels {
      key         = "chain"
      value_type  = "STRING"
      description = "The chain whose run missed its deadline."
    }
  }
  # The chain, not the run: a label per run id would make a time series per run.
  label_extractors = {
    chain = "EXTRACT(jsonPayload.chain)"
  }
  depends_on = [google_project_service.apis]
}

resource "google_monitoring_alert_policy" "deadline_missed" {
  project      = var.project_id
  display_name = "dfchain: run deadline missed"
  combiner     = "OR"
  conditions {
    display_name = "run.deadline_missed logged"
    condition_threshold {
      # No resource.type: the function's lines come from Cloud Run revisions (2nd gen), and a
      # missed deadline counts wherever it was logged.
      filter          = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.deadline_missed.name}\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"
      aggregations {
        alignment_period     = "60s"
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
        group_by_fields      = ["metric.label.chain"]
      }
      trigger {
        count = 1
      }
    }
  }
  notification_channels = var.alert_notification_channels
  alert_strategy {
    auto_close = "1800s"
  }
  documentation {
    mime_type = "text/markdown"
    content   = "A dfchain run is still running past its chain's Deadline (chain: $${metric.label.chain}). The run goes on; Cloud Logging query: `jsonPayload.event=\"run.deadline_missed\"`; then `dfchain status RUN_ID` for where it stands."
  }
  depends_on = [google_project_service.apis]
}
