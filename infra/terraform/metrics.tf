# Log-based metrics of dfchain's log lines (docs/observability.md), the same as infra/deploy.sh
# creates from infra/metrics/*.json (test/integration/deploy/terraform.test.ts compares them).
# Labels are chain, state and error names, never run ids: each label value is a time series.

resource "google_logging_metric" "runs_started" {
  project     = var.project_id
  name        = "dfchain-runs-started"
  description = "dfchain runs started, by chain: one per run.started log line (a queued run counts when it begins)."
  filter      = "jsonPayload.event=\"run.started\""
  metric_descriptor {
    metric_kind  = "DELTA"
    value_type   = "INT64"
    unit         = "1"
    display_name = "dfchain runs started"
    labels {
      key         = "chain"
      value_type  = "STRING"
      description = "The chain of the run."
    }
  }
  label_extractors = {
    chain = "EXTRACT(jsonPayload.chain)"
  }
  depends_on = [google_project_service.apis]
}

resource "google_logging_metric" "runs_succeeded" {
  project     = var.project_id
  name        = "dfchain-runs-succeeded"
  description = "dfchain runs succeeded, by chain: one per run.succeeded log line."
  filter      = "jsonPayload.event=\"run.succeeded\""
  metric_descriptor {
    metric_kind  = "DELTA"
    value_type   = "INT64"
    unit         = "1"
    display_name = "dfchain runs succeeded"
    labels {
      key         = "chain"
      value_type  = "STRING"
      description = "The chain of the run."
    }
  }
  label_extractors = {
    chain = "EXTRACT(jsonPayload.chain)"
  }
  depends_on = [google_project_service.apis]
}

resource "google_logging_metric" "runs_failed" {
  project     = var.project_id
  name        = "dfchain-runs-failed"
  description = "dfchain runs failed, by chain and error name: one per run.failed log line (a redriven run that fails again counts again)."
  filter      = "jsonPayload.event=\"run.failed\""
  metric_descriptor {
    metric_kind  = "DELTA"
    value_type   = "INT64"
    unit         = "1"
    display_name = "dfchain runs failed"
    labels {
      key         = "chain"
      value_type  = "STRING"
      description = "The chain of the run."
    }
    labels {
      key         = "error"
      value_type  = "STRING"
      description = "The run's error name, such as Dataflow.JobFailed or States.Timeout."
    }
  }
  label_extractors = {
    chain = "EXTRACT(jsonPayload.chain)"
    error = "EXTRACT(jsonPayload.error.Error)"
  }
  depends_on = [google_project_service.apis]
}

# A distribution of job.confirmed's durationSeconds (from the recorded launch to the confirmed
# end); buckets 1 s × 2^n, up to about 6 days.
resource "google_logging_metric" "step_duration" {
  project     = var.project_id
  name        = "dfchain-step-duration"
  description = "How long dfchain's jobs ran, by chain, state and end state: durationSeconds of each job.confirmed log line (from the recorded launch to the confirmed end)."
  filter      = "jsonPayload.event=\"job.confirmed\" AND jsonPayload.durationSeconds>=0"
  metric_descriptor {
    metric_kind  = "DELTA"
    value_type   = "DISTRIBUTION"
    unit         = "s"
    display_name = "dfchain step duration"
    labels {
      key         = "chain"
      value_type  = "STRING"
      description = "The chain of the run."
    }
    labels {
      key         = "state"
      value_type  = "STRING"
      description = "The Task state that ran the job."
    }
    labels {
      key         = "job_state"
      value_type  = "STRING"
      description = "How the job ended, such as JOB_STATE_DONE or JOB_STATE_FAILED."
    }
  }
  value_extractor = "EXTRACT(jsonPayload.durationSeconds)"
  label_extractors = {
    chain     = "EXTRACT(jsonPayload.chain)"
    state     = "EXTRACT(jsonPayload.state)"
    job_state = "EXTRACT(jsonPayload.jobState)"
  }
  bucket_options {
    exponential_buckets {
      num_finite_buckets = 20
      growth_factor      = 2
      scale              = 1
    }
  }
  depends_on = [google_project_service.apis]
}
