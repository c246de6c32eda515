# shellcheck shell=bash
# Cloud Scheduler jobs of the chains' Schedules (sourced by deploy.sh after steps.sh). The
# schedules come from `dfchain deploy-facts --json`: schedules: [{chain, cron, timeZone,
# message}], message being the exact body to publish. One job per chain, named
# dfchain-schedule-CHAIN (a chain name, [a-z0-9][a-z0-9_-]{0,62}, is a valid job id), publishing
# on the events topic; a dfchain-schedule-* job whose chain has no Schedule any more is deleted.
# The tick job (dfchain-tick, create.sh) is not one of them.
# Flags: https://cloud.google.com/sdk/gcloud/reference/scheduler/jobs/create/pubsub (JOB
# --location --schedule --topic --message-body [--time-zone; default Etc/UTC]); the same flags
# update a job (gcloud scheduler jobs update pubsub).

schedule_prefix=dfchain-schedule-
schedule_chains=()
schedule_crons=()
schedule_zones=()
schedule_messages=()

# Reads the schedules of the chains, one "chain<TAB>cron<TAB>timeZone<TAB>message" line each.
read_schedules() {
  local json lines chain cron zone message
  json=$(dfchain deploy-facts --json --chains-dir "$chains_dir") ||
    die "could not read the deploy facts of $chains_dir"
  # A message given as an object is published as its JSON; a string is published as it is.
  lines=$(node -e '
    const facts = JSON.parse(process.argv[1]);
    for (const s of facts.schedules ?? []) {
      const body = typeof s.message === "string" ? s.message : JSON.stringify(s.message);
      console.log([s.chain, s.cron, s.timeZone ?? "Etc/UTC", body].join("\t"));
    }
  ' "$json") || die "could not read the schedules in the deploy facts of $chains_dir"
  while IFS=$'\t' read -r chain cron zone message; do
    [ -n "$chain" ] || continue
    [[ $chain =~ ^[a-z0-9][a-z0-9_-]{0,62}$ ]] ||
      die "deploy-facts names a schedule of chain \"$chain\", which is not a chain name"
    schedule_chains+=("$chain")
    schedule_crons+=("$cron")
    schedule_zones+=("$zone")
    schedule_messages+=("$message")
  done <<<"$lines"
}

# Plan lines of the dry run.
schedules_plan() {
  local i
  if [ ${#schedule_chains[@]} -eq 0 ]; then
    plan "schedules:" "none (no chain has a Schedule); deletes any $schedule_prefix* job left"
    return
  fi
  for i in "${!schedule_chains[@]}"; do
    plan "schedule ${schedule_chains[$i]}:" "job $schedule_prefix${schedule_chains[$i]}: \"${schedule_crons[$i]}\" in ${schedule_zones[$i]}, publishes ${schedule_messages[$i]}"
  done
}

# Creates or updates one job per schedule, then deletes the jobs of chains without one.
schedules_deploy() {
  local i name flags keep=() existing job
  for i in "${!schedule_chains[@]}"; do
    name=$schedule_prefix${schedule_chains[$i]}
    keep+=("$name")
    # A full topic path: gcloud cannot resolve a bare topic name from --project here.
    flags=(--location="$region" --schedule="${schedule_crons[$i]}"
      --time-zone="${schedule_zones[$i]}" --topic="projects/$project/topics/$topic"
      --message-body="${schedule_messages[$i]}" "$p")
    upsert gcloud scheduler jobs describe "$name" --location="$region" "$p" -- \
      gcloud scheduler jobs update pubsub "$name" "${flags[@]}" -- \
      gcloud scheduler jobs create pubsub "$name" "${flags[@]}" \
      --description="dfchain: starts a run of chain ${schedule_chains[$i]} (its Schedule)"
  done
  schedules_delete_except "${keep[@]}"
}

# Deletes every dfchain-schedule-* job of the region but the named ones.
schedules_delete_except() {
  local list=(gcloud scheduler jobs list --location="$region" --format='value(name.basename())' "$p")
  local delete=(gcloud scheduler jobs delete --location="$region" --quiet "$p")
  if [ "$dry_run" = true ]; then
    local keep=() name
    for name in "$@"; do keep+=(-e "$name"); done
    printf '%s | grep %s%s | xargs -r -n1 %s\n' "$(words "${list[@]}")" "$(quote "^$schedule_prefix")" \
      "$([ $# -eq 0 ] || printf ' | grep -vxF %s' "$(words "${keep[@]}")")" "$(words "${delete[@]}")"
    return
  fi
  local existing job
  existing=$("${list[@]}") || die "could not list the Cloud Scheduler jobs of $project: $(words "${list[@]}")"
  for job in $existing; do
    [[ $job == "$schedule_prefix"* ]] || continue
    [[ " $* " == *" $job "* ]] && continue
    run gcloud scheduler jobs delete "$job" --location="$region" --quiet "$p"
  done
}
