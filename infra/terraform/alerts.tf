# A run still running past its chain's Deadline logs one run.deadline_missed line at severity
# ALERT (fired by its timer, not by the run's next event): a metric counts those lines by chain,
# and an alert policy opens an incident on the first one. A failed run opens an incident of its
# own (a log-match policy, below). infra/deploy.sh creates the same metrics and policies
# (infra/metrics/dfchain-deadline-missed.json, infra/alert-*.json; same names).
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

# A failed run, line by line: Google advises a log-based alerting policy "if you want a
# notification in near real time when a message has appeared in your logs", and log-based
# metrics to count over time (https://cloud.google.com/logging/docs/alerting/monitoring-logs;
# dfchain-runs-failed counts them for charts). The extracted labels name the chain, run and error
# in the notification; a LogMatch condition requires notification_rate_limit
# (https://cloud.google.com/monitoring/api/ref_v3/rest/v3/projects.alertPolicies).
resource "google_monitoring_alert_policy" "runs_failed" {
  project      = var.project_id
  display_name = "dfchain: run failed"
  combiner     = "OR"
  conditions {
    display_name = "run.failed logged"
    condition_matched_log {
      filter = "jsonPayload.event=\"run.failed\""
      label_extractors = {
        chain = "EXTRACT(jsonPayload.chain)"
        run   = "EXTRACT(jsonPayload.runId)"
        error = "EXTRACT(jsonPayload.error.Error)"
      }
    }
  }
  notification_channels = var.alert_notification_channels
  alert_strategy {
    notification_rate_limit {
      period = "300s"
    }
    auto_close = "1800s"
  }
  documentation {
    mime_type = "text/markdown"
    content   = "A dfchain run failed (log line `run.failed`, severity ERROR). The incident's labels name the chain, the run and the error. See what happened with `dfchain status RUN_ID` and `dfchain logs RUN_ID`, or the log query `jsonPayload.event=\"run.failed\"`; resume it from the states that did not succeed with the redrive command `{\"dfchain\":\"redrive\",\"runId\":\"RUN_ID\"}` on the dfchain-events topic."
  }
  depends_on = [google_project_service.apis]
}
