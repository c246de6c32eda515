# shellcheck shell=bash
# Cloud Storage notifications of the chains' Triggers (sourced by deploy.sh after steps.sh). The
# notifications come from `dfchain deploy-facts --json`: notifications: [{bucket, prefix}], one
# per bucket and object-name prefix the Triggers use (a notification takes one prefix only, so
# each Trigger's matchGlob is applied by the function). Each publishes OBJECT_FINALIZE events
# with the object as JSON (payload JSON_API_V1) on the events topic; an identical notification
# already there is kept, so deploying twice creates nothing twice. Notifications are never
# deleted here: a bucket's notifications may be someone else's, delete a stale one by hand
# (gcloud storage buckets notifications delete).
# Facts: https://cloud.google.com/storage/docs/pubsub-notifications (attributes, payload,
# at-least-once delivery); https://cloud.google.com/sdk/gcloud/reference/storage/buckets/notifications/create
# (URL --topic --event-types --object-prefix --payload-format=json --skip-topic-setup);
# https://cloud.google.com/storage/docs/json_api/v1/notifications (topic is
# //pubsub.googleapis.com/projects/P/topics/T; event_types, payload_format, object_name_prefix).
# `gcloud storage buckets notifications list --format=json` prints [{"Bucket URL", "Notification
# Configuration": <that resource>}] (gcloud's surface/storage/buckets/notifications/list.py).
# Cloud Storage publishes as the project's Cloud Storage service agent
# (https://cloud.google.com/storage/docs/getting-service-agent: gcloud storage service-agent),
# which needs roles/pubsub.publisher on the topic; a bucket of another project publishes as
# that project's agent, granted by hand.

notification_buckets=()
notification_prefixes=()

# Reads the notifications of the chains, one "bucket<TAB>prefix-as-JSON" line each.
read_triggers() {
  local json lines bucket prefix
  json=$(dfchain deploy-facts --json --chains-dir "$chains_dir") ||
    die "could not read the deploy facts of $chains_dir"
  lines=$(node -e '
    const facts = JSON.parse(process.argv[1]);
    for (const n of facts.notifications ?? []) console.log([n.bucket, JSON.stringify(n.prefix)].join("\t"));
  ' "$json") || die "could not read the notifications in the deploy facts of $chains_dir"
  while IFS=$'\t' read -r bucket prefix; do
    [ -n "$bucket" ] || continue
    [[ $bucket =~ ^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$ ]] ||
      die "deploy-facts names a notification on bucket \"$bucket\", which is not a bucket name"
    notification_buckets+=("$bucket")
    notification_prefixes+=("$(node -e 'process.stdout.write(JSON.parse(process.argv[1]))' "$prefix")")
  done <<<"$lines"
}

# Plan lines of the dry run.
triggers_plan() {
  local i
  if [ ${#notification_buckets[@]} -eq 0 ]; then
    plan "triggers:" "none (no chain has Triggers)"
    return
  fi
  for i in "${!notification_buckets[@]}"; do
    plan "notification:" "gs://${notification_buckets[$i]} objects named \"${notification_prefixes[$i]}\"… (OBJECT_FINALIZE, JSON) to topic $topic, unless an identical one exists"
  done
}

# Exits 0 when the notification list on stdin has one identical to topic $1 and prefix $2.
# shellcheck disable=SC2016 # JavaScript, not shell
notification_check='const all = JSON.parse(require("fs").readFileSync(0, "utf8") || "[]"); const [topic, prefix] = process.argv.slice(1); process.exit(all.some((n) => { const c = n["Notification Configuration"] ?? {}; return c.topic === topic && (c.object_name_prefix ?? "") === prefix && c.payload_format === "JSON_API_V1" && JSON.stringify(c.event_types) === "[\"OBJECT_FINALIZE\"]"; }) ? 0 : 1)'

# Grants the Cloud Storage service agent publish on the topic, then creates each notification
# that is not there yet.
triggers_deploy() {
  [ ${#notification_buckets[@]} -gt 0 ] || return 0
  lookup STORAGE_AGENT gcloud storage service-agent "$p"
  run_retrying gcloud pubsub topics add-iam-policy-binding "$topic" \
    --member="serviceAccount:$STORAGE_AGENT" --role=roles/pubsub.publisher "$p"
  local i bucket prefix full_topic=//pubsub.googleapis.com/projects/$project/topics/$topic
  for i in "${!notification_buckets[@]}"; do
    bucket=${notification_buckets[$i]}
    prefix=${notification_prefixes[$i]}
    local list=(gcloud storage buckets notifications list "gs://$bucket" --format=json "$p")
    local check=(node -e "$notification_check" "$full_topic" "$prefix")
    # The topic is set up above (publisher grant): --skip-topic-setup keeps gcloud from
    # rewriting the topic's IAM policy itself.
    local create=(gcloud storage buckets notifications create "gs://$bucket"
      --topic="projects/$project/topics/$topic" --event-types=OBJECT_FINALIZE
      --payload-format=json --skip-topic-setup)
    [ -z "$prefix" ] || create+=(--object-prefix="$prefix")
    create+=("$p")
    if [ "$dry_run" = true ]; then
      printf '%s | %s || %s\n' "$(words "${list[@]}")" "$(words "${check[@]}")" "$(words "${create[@]}")"
    elif "${list[@]}" 2>/dev/null | "${check[@]}"; then
      printf '+ kept: gs://%s already notifies %s of OBJECT_FINALIZE for "%s"\n' "$bucket" "$topic" "$prefix" >&2
    else
      run "${create[@]}"
    fi
  done
}
