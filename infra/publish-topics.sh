# shellcheck shell=bash
# The topics the chains' `pubsub:publish` and `pubsub:publish.waitForTaskToken` Tasks publish to
# (sourced by deploy.sh after steps.sh). They come from `dfchain deploy-facts`: `publish-topic T`
# lines (T as the Task writes it: an ID in the project, or projects/P/topics/T) and
# `computed-publish-topic PLACE` lines for Tasks whose topic is a path (`topic.$`), which no
# deploy can know. The function publishes as its own account, which needs roles/pubsub.publisher
# on each topic ("To get the permissions that you need to publish messages to a topic, ask your
# administrator to grant you the Pub/Sub Publisher (roles/pubsub.publisher) IAM role on the
# topic", https://cloud.google.com/pubsub/docs/publisher). The topics belong to the teams' workloads: deploy grants on them but
# never creates or deletes them, and stops when one is missing, since every publish to it would
# fail the Task (NOT_FOUND).
# `gcloud pubsub topics add-iam-policy-binding TOPIC --member --role` takes TOPIC as an ID (with
# --project) or fully qualified, as does remove-iam-policy-binding
# (https://cloud.google.com/sdk/gcloud/reference/pubsub/topics/add-iam-policy-binding,
# https://cloud.google.com/sdk/gcloud/reference/pubsub/topics/remove-iam-policy-binding).

publish_topics=()
computed_publish_topics=()

# Reads the publish topics out of the plain deploy facts in $facts.
read_publish_topics() {
  local kind value
  while read -r kind value; do
    case $kind in
      publish-topic)
        [[ $value =~ ^(projects/[a-z][a-z0-9-]{4,28}[a-z0-9]/topics/)?[a-zA-Z][-a-zA-Z0-9._~+%]{2,254}$ ]] ||
          die "deploy-facts names a publish topic \"$value\", which is not a topic name"
        publish_topics+=("$value")
        ;;
      computed-publish-topic) computed_publish_topics+=("$value") ;;
    esac
  done <<<"$facts"
}

# Plan lines of the dry run.
publish_topics_plan() {
  if [ ${#publish_topics[@]} -eq 0 ]; then
    plan "publish topics:" "none (no pubsub:publish Task names a fixed topic)"
  else
    plan "publish topics:" "dfchain-fn gets roles/pubsub.publisher on $(printf '%s, ' "${publish_topics[@]}" | sed 's/, $//') (each must exist; deploy stops if one is missing)"
  fi
  if [ ${#computed_publish_topics[@]} -gt 0 ]; then
    plan "publish topics:" "computed at run time (topic.\$), NOT granted: $(printf '%s; ' "${computed_publish_topics[@]}" | sed 's/; $//'); grant dfchain-fn roles/pubsub.publisher on each topic they can name, by hand"
  fi
}

# Warns of the Tasks whose topic no deploy can know.
publish_topics_warn() {
  [ ${#computed_publish_topics[@]} -gt 0 ] || return 0
  warn "$(printf '%s; ' "${computed_publish_topics[@]}" | sed 's/; $//'): the topic is computed at run time (topic.\$), so deploy cannot grant on it; grant $fn_sa roles/pubsub.publisher on each topic it can name, by hand (gcloud pubsub topics add-iam-policy-binding TOPIC --member=serviceAccount:$fn_sa --role=roles/pubsub.publisher)"
}

# Stops when a topic is missing, then grants the function publish on each.
publish_topics_deploy() {
  local topic_name missing
  for topic_name in "${publish_topics[@]}"; do
    missing="topic $topic_name, which a pubsub:publish Task names, was not found (in $project unless the name gives its project), or this account cannot read it: create it (gcloud pubsub topics create $topic_name) or correct Parameters.topic of the Task, then deploy again"
    if [ "$dry_run" = true ]; then
      printf '%s >/dev/null 2>&1 || { echo %s >&2; exit 2; }\n' \
        "$(words gcloud pubsub topics describe "$topic_name" "$p")" "$(quote "deploy.sh: $missing")"
    elif ! gcloud pubsub topics describe "$topic_name" "$p" >/dev/null 2>&1; then
      die "$missing"
    fi
    run_retrying gcloud pubsub topics add-iam-policy-binding "$topic_name" \
      --member="serviceAccount:$fn_sa" --role=roles/pubsub.publisher "$p"
  done
}

# Removes the function's publish grants (the topics stay: they are the workloads').
publish_topics_teardown() {
  local topic_name
  for topic_name in "${publish_topics[@]}"; do
    run_ignoring_failure gcloud pubsub topics remove-iam-policy-binding "$topic_name" \
      --member="serviceAccount:$fn_sa" --role=roles/pubsub.publisher "$p"
  done
}
