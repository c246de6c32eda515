# shellcheck shell=bash
# Log-based metrics and alert policies of deploy.sh (sourced after steps.sh; docs/observability.md
# describes the log lines they read). Each metric is a LogMetric file, infra/metrics/NAME.json,
# created or updated with --config-from-file ("The config file can be in YAML or JSON format",
# https://cloud.google.com/sdk/gcloud/reference/logging/metrics/create; an update replaces the
# top-level fields the file names, https://cloud.google.com/sdk/gcloud/reference/logging/metrics/update).
# Fields of a LogMetric (filter, labelExtractors, valueExtractor, metricDescriptor, bucketOptions):
# https://cloud.google.com/logging/docs/reference/v2/rest/v2/projects.metrics#LogMetric. A label
# can be added to an existing metric but never deleted or retyped
# (https://cloud.google.com/logging/docs/logs-based-metrics/labels): keep the files' labels.
#
# Alert policies: a missed deadline is counted (a metric-threshold policy on
# dfchain-deadline-missed), a failed run is matched line by line (a log-based policy,
# conditionMatchedLog): Google's advice is a log-based alerting policy "if you want a notification
# in near real time when a message has appeared in your logs" and log-based metrics to count or
# chart over time (https://cloud.google.com/logging/docs/alerting/monitoring-logs); its label
# extractors put the chain, run and error in the notification, and it needs
# alertStrategy.notificationRateLimit ("Required for alert policies with a LogMatch condition",
# https://cloud.google.com/monitoring/api/ref_v3/rest/v3/projects.alertPolicies).

metric_files=("$root"/infra/metrics/*.json)
metric_names=()
for file in "${metric_files[@]}"; do
  name=${file##*/}
  metric_names+=("${name%.json}")
done
policy_files=("$root/infra/alert-runs-failed.json" "$root/infra/alert-deadline-missed.json")
# Bash names of the values read at run time (RUNS_FAILED_POLICY, …), one per policy file.
policy_vars=(RUNS_FAILED DEADLINE_MISSED)

# The policy's display name: Cloud Monitoring names a policy itself, so it is found by this.
policy_display_name() {
  node -p 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).displayName' "$1"
}

# The notification channels' resource names, comma-separated (a bare id is in this project).
channel_list() {
  local out=() channel
  for channel in "${notification_channels[@]}"; do
    case $channel in
      projects/*) out+=("$channel") ;;
      *) out+=("projects/$project/notificationChannels/$channel") ;;
    esac
  done
  (IFS=, && printf '%s' "${out[*]}")
}

# Plan lines of the dry run.
observability_plan() {
  plan "log metrics:" "$(printf '%s, ' "${metric_names[@]}" | sed 's/, $//') (infra/metrics/*.json)"
  local file names=()
  for file in "${policy_files[@]}"; do names+=("\"$(policy_display_name "$file")\""); done
  plan "alert policies:" "$(printf '%s, ' "${names[@]}" | sed 's/, $//')"
  if [ ${#notification_channels[@]} -gt 0 ]; then
    plan "notifies:" "$(channel_list) (--notification-channel; replaces the policies' channels)"
  else
    plan "notifies:" "nobody new: no --notification-channel (existing policies keep their channels; new ones have none)"
  fi
}

# Says what the alert policies will notify, before they are created or updated.
observability_note() {
  [ ${#notification_channels[@]} -eq 0 ] || return 0
  echo >&2 "deploy.sh: no --notification-channel: the alert policies \"dfchain: run failed\" and \"dfchain: run deadline missed\" are created without notification channels (incidents show in the Cloud console only; policies that exist keep the channels they have); pass --notification-channel CHANNEL_ID to be told"
}

# Creates or updates each metric from its file.
observability_metrics() {
  local i file name
  for i in "${!metric_files[@]}"; do
    file=${metric_files[$i]}
    name=${metric_names[$i]}
    upsert gcloud logging metrics describe "$name" "$p" -- \
      gcloud logging metrics update "$name" --config-from-file="$file" "$p" -- \
      gcloud logging metrics create "$name" --config-from-file="$file" "$p"
  done
}

# Creates each policy from its file, or replaces the policy found by its display name with the
# file. The channels are --notification-channel's when given, else the policy's own: an update
# from a file replaces the whole policy, channels included (gcloud monitoring policies update).
observability_policies() {
  local i file var display channels find create found kept
  channels=$(channel_list)
  for i in "${!policy_files[@]}"; do
    file=${policy_files[$i]}
    var=${policy_vars[$i]}
    display=$(policy_display_name "$file")
    find=(gcloud alpha monitoring policies list --filter="displayName=\"$display\"" --limit=1 "$p")
    create=(gcloud alpha monitoring policies create --policy-from-file="$file")
    [ -z "$channels" ] || create+=(--notification-channels="$channels")
    create+=("$p")
    if [ "$dry_run" = true ]; then
      lookup "${var}_POLICY" "${find[@]}" --format='value(name)'
      kept=$channels
      if [ -z "$channels" ]; then
        lookup "${var}_CHANNELS" "${find[@]}" --format='value(notificationChannels.join(","))'
        kept="\${${var}_CHANNELS}"
      fi
      # shellcheck disable=SC2016 # the ${…} is printed, for the reader's shell
      printf 'if [ -z "${%s_POLICY}" ]; then %s; else %s; fi\n' "$var" "$(words "${create[@]}")" \
        "$(words gcloud alpha monitoring policies update "\${${var}_POLICY}" \
          --policy-from-file="$file" --set-notification-channels="$kept" "$p")"
      continue
    fi
    found=$("${find[@]}" --format='value(name)') ||
      die "could not list the alert policies of $project: $(words "${find[@]}")"
    if [ -z "$found" ]; then
      run "${create[@]}"
      continue
    fi
    kept=$channels
    if [ -z "$kept" ]; then
      kept=$("${find[@]}" --format='value(notificationChannels.join(","))') ||
        die "could not read the channels of $found: $(words "${find[@]}")"
    fi
    local update=(gcloud alpha monitoring policies update "$found" --policy-from-file="$file")
    [ -z "$kept" ] || update+=(--set-notification-channels="$kept")
    run "${update[@]}" "$p"
  done
}

# Deletes the policies (every one of each display name) and the metrics.
observability_teardown() {
  local file display find policies name
  for file in "${policy_files[@]}"; do
    display=$(policy_display_name "$file")
    find=(gcloud alpha monitoring policies list --filter="displayName=\"$display\""
      --format='value(name)' "$p")
    if [ "$dry_run" = true ]; then
      printf '%s 2>/dev/null | xargs -r -n1 %s\n' "$(words "${find[@]}")" \
        "$(words gcloud alpha monitoring policies delete --quiet "$p")"
    else
      policies=$("${find[@]}") || die "could not list the alert policies of $project: $(words "${find[@]}")"
      for policy in $policies; do run gcloud alpha monitoring policies delete "$policy" --quiet "$p"; done
    fi
  done
  for name in "${metric_names[@]}"; do
    remove gcloud logging metrics describe "$name" "$p" -- \
      gcloud logging metrics delete "$name" --quiet "$p"
  done
}
