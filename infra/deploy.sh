#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Deploys dfchain to one Google Cloud project, or tears it down. Safe to re-run: every step
# creates what is missing and updates what can drift (sink filter, schedule, dead-letter policy).
# --dry-run prints the steps as a bash script instead of running them, under a commented plan.
# Every input is checked before anything is changed (infra/checks.sh).
set -euo pipefail

usage() {
  cat <<'EOF'
usage: infra/deploy.sh --project P [--region R] [--chains-dir DIR] [--worker-sa EMAIL]
                       [--build-sa EMAIL] [--firestore-database NAME] [--firestore-location L]
                       [--template-bucket B]… [--max-instances N] [--memory SIZE]
                       [--no-eventarc] [--validate-remote [--validate-input JSON|@FILE]]
                       [--notification-channel CHANNEL_ID]… [--dry-run] [--teardown]

  --project P               project id to deploy to (default: $GOOGLE_CLOUD_PROJECT); 6-30
                            lowercase letters, digits and hyphens, starting with a letter
  --region R                region of the function, its Pub/Sub trigger and the scheduler
                            (default: europe-west4); one of infra/regions.txt
  --chains-dir DIR          chain files, a folder inside this repository (default: dag)
  --worker-sa EMAIL         the Dataflow workers' account; the function may act as it
                            (default: dfchain-worker, created with its roles)
  --build-sa EMAIL          the account Cloud Build builds the function as
                            (default: dfchain-build, created with its roles)
  --firestore-database NAME Firestore database of the runs (default: dfchain, created if missing)
  --firestore-location L    location of a new Firestore database: a region or eur3, nam5, nam7
                            (infra/firestore-locations.txt). PERMANENT once the database
                            exists. Without it, an existing database keeps its location; for
                            a new one the script asks (the region is offered), and refuses
                            when there is no terminal to ask on
  --template-bucket B       a bucket a computed (.$) template path can name: the function and
                            the workers may read it; repeat for several
  --max-instances N         most function instances at once (default: 25)
  --memory SIZE             memory of one instance (default: 512Mi)
  --no-eventarc             no Eventarc triggers for Dataflow's statusChanged events (default:
                            one per region the chains use)
  --validate-remote         before deploying, ask Dataflow to validate every Task's launch
                            without running it (dfchain validate --remote; needs Application
                            Default Credentials) and stop if it refuses one
  --validate-input JSON     the run input those launches are resolved with (JSON, or @FILE);
                            default {}
  --notification-channel CHANNEL_ID
                            a Cloud Monitoring notification channel (its id, or
                            projects/P/notificationChannels/ID) told when a run fails or misses
                            its Deadline; repeat for several. It replaces the channels of the
                            alert policies; without it, new policies have none and existing
                            ones keep theirs
  --dry-run                 print a commented plan, then every gcloud command, runnable as a
                            script, and run nothing
  --teardown                delete what this script creates (keeps the Firestore database and
                            the custom role)
EOF
}

die() {
  printf 'deploy.sh: %s\n' "$*" >&2
  exit 2
}

warn() {
  printf 'deploy.sh: warning: %s\n' "$*" >&2
}

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
project=${GOOGLE_CLOUD_PROJECT:-}
region=europe-west4
chains_dir=dag
worker_sa=
build_sa=
firestore_database=dfchain
firestore_location=
extra_template_buckets=()
# Dataflow's default quota is 25 concurrent jobs a project (ARCHITECTURE.md §2.1): at most one
# job-end event each is in flight, so more instances would only contend on Firestore.
max_instances=25
# Measured peak RSS of the function on the local stack: 105-108 MiB (README "Deploying").
memory=512Mi
eventarc=true
validate_remote=false
validate_input=
notification_channels=()
dry_run=false
teardown=false

while [ $# -gt 0 ]; do
  flag=$1
  value=
  case $flag in
    --*=*) value=${flag#*=} flag=${flag%%=*} ;;
    --project | --region | --chains-dir | --worker-sa | --build-sa | --firestore-database | \
      --firestore-location | --template-bucket | --max-instances | --memory | --validate-input | \
      --notification-channel)
      [ $# -ge 2 ] || die "$flag needs a value; see --help"
      value=$2
      shift
      ;;
  esac
  case $flag in
    --project) project=$value ;;
    --region) region=$value ;;
    --chains-dir) chains_dir=$value ;;
    --worker-sa) worker_sa=$value ;;
    --build-sa) build_sa=$value ;;
    --firestore-database) firestore_database=$value ;;
    --firestore-location) firestore_location=$value ;;
    --template-bucket) extra_template_buckets+=("${value#gs://}") ;;
    --max-instances) max_instances=$value ;;
    --memory) memory=$value ;;
    --eventarc) eventarc=true ;; # the default; still accepted so older command lines work
    --no-eventarc) eventarc=false ;;
    --validate-remote) validate_remote=true ;;
    --validate-input) validate_input=$value ;;
    --notification-channel) notification_channels+=("$value") ;;
    --dry-run) dry_run=true ;;
    --teardown) teardown=true ;;
    -h | --help)
      usage
      exit 0
      ;;
    *) die "unknown argument \"$1\"; see --help" ;;
  esac
  shift
done

# shellcheck source=checks.sh
source "$root/infra/checks.sh"

[ -n "$project" ] || die "no project: pass --project P or set GOOGLE_CLOUD_PROJECT"
[ -z "$validate_input" ] || [ "$validate_remote" = true ] ||
  die "--validate-input is the input of --validate-remote; pass both"
[ -n "$region" ] || die "--region is empty; pass e.g. --region europe-west4"
check_project "$project"
check_region "$region"
[ -z "$firestore_location" ] || check_firestore_location "$firestore_location"
# The function parses DFCHAIN_FIRESTORE_DATABASE with the same rule (src/config.ts).
[[ $firestore_database =~ ^[a-z][a-z0-9-]{2,61}[a-z0-9]$ ]] ||
  die "--firestore-database \"$firestore_database\" is not a database id (4-63 lowercase letters, digits and '-', starting with a letter); dfchain keeps its runs in a named database of its own, not (default)"
[[ $max_instances =~ ^[1-9][0-9]*$ ]] ||
  die "--max-instances \"$max_instances\" is not a positive whole number"
for channel in "${notification_channels[@]}"; do
  [[ $channel =~ ^(projects/[a-z][a-z0-9-]{4,28}[a-z0-9]/notificationChannels/)?[0-9]+$ ]] ||
    die "--notification-channel \"$channel\" is not a notification channel: pass its numeric id or projects/P/notificationChannels/ID (gcloud beta monitoring channels list --format='value(name)' lists them)"
done
for bucket in "${extra_template_buckets[@]}"; do
  [[ $bucket =~ ^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$ ]] ||
    die "--template-bucket \"$bucket\" is not a bucket name; pass the bucket alone, e.g. --template-bucket my-templates"
done

cd "$root"
source_dir=$(cd "$chains_dir" 2>/dev/null && pwd) ||
  die "chains folder \"$chains_dir\" does not exist; pass --chains-dir DIR"
case $source_dir/ in
  "$root"/*) chains_rel=${source_dir#"$root"/} ;;
  *) die "chains folder \"$chains_dir\" is outside $root; the function can only read chains uploaded with its source" ;;
esac

# The CLI below runs from dist/ with the packages of node_modules/: a fresh clone has neither.
[ -d node_modules ] && [ -x node_modules/.bin/tsc ] ||
  die "no node_modules/.bin/tsc in $root: run npm ci first (then this script builds dist/ itself)"
if [ ! -f dist/cli/deploy-facts.js ] || [ ! -f dist/cli/sink-filter.js ]; then
  echo "dist/cli is missing or older than this script; building it (npm run build)" >&2
  npm run --silent build >&2 || die "npm run build failed: see above"
fi
# DFCHAIN_DEPLOY_CLI: an executable standing in for the CLI (tests give it canned deploy facts).
if [ -n "${DFCHAIN_DEPLOY_CLI:-}" ]; then
  dfchain() { "$DFCHAIN_DEPLOY_CLI" "$@"; }
else
  dfchain() { node dist/cli/main.js "$@"; }
fi

topic=dfchain-events
dead_topic=dfchain-events-dead
# Timers (Wait, Retry intervals, timeouts) wait here, in the function's region.
tasks_queue=dfchain-timers
sink=dfchain-jobs
function_name=dfchain
fn_sa=dfchain-fn@$project.iam.gserviceaccount.com
trigger_sa=dfchain-trigger@$project.iam.gserviceaccount.com
# The workers' and the build's accounts are created (with their roles) only when not given.
own_worker_sa=false
if [ -z "$worker_sa" ]; then
  worker_sa=dfchain-worker@$project.iam.gserviceaccount.com
  own_worker_sa=true
fi
own_build_sa=false
if [ -z "$build_sa" ]; then
  build_sa=dfchain-build@$project.iam.gserviceaccount.com
  own_build_sa=true
fi
launcher_role_id=dfchainLauncher
launcher_role=projects/$project/roles/$launcher_role_id
database_condition="expression=resource.name==\"projects/$project/databases/$firestore_database\",title=dfchain-database-only,description=Only the dfchain database"
scheduler_job=dfchain-tick
p=--project=$project

# shellcheck source=steps.sh
source "$root/infra/steps.sh"
# shellcheck source=observability.sh
source "$root/infra/observability.sh"
# shellcheck source=schedules.sh
source "$root/infra/schedules.sh"
# shellcheck source=triggers.sh
source "$root/infra/triggers.sh"
# shellcheck source=publish-topics.sh
source "$root/infra/publish-topics.sh"

# Refuse to deploy chains the function would refuse to load.
dfchain validate --chains-dir "$chains_dir" >&2 ||
  die "invalid chains in $chains_dir: fix the problems above, then deploy again"

# What the chains need (dfchain deploy-facts): regions, worker accounts, buckets.
facts=$(dfchain deploy-facts --chains-dir "$chains_dir") ||
  die "could not read the deploy facts of $chains_dir"
regions=()
chain_sas=()
template_buckets=()
work_buckets=()
computed_templates=()
computed_sas=()
computed_run_jobs=()
reader_buckets=()
computed_readers=()
while read -r kind value; do
  case $kind in
    region) regions+=("$value") ;;
    service-account) chain_sas+=("$value") ;;
    template-bucket) template_buckets+=("$value") ;;
    work-bucket) work_buckets+=("$value") ;;
    computed-template-path) computed_templates+=("$value") ;;
    computed-service-account) computed_sas+=("$value") ;;
    reader-bucket) reader_buckets+=("$value") ;;
    computed-reader-bucket) computed_readers+=("$value") ;;
    default-service-account) ;; # run as the worker account (DFCHAIN_WORKER_SERVICE_ACCOUNT)
    run-job) ;;                 # in the sink filter (dfchain sink-filter) and the launcher role
    computed-run-job) computed_run_jobs+=("$value") ;;
  esac
done <<<"$facts"
for bucket in "${extra_template_buckets[@]}"; do
  [[ " ${template_buckets[*]} " == *" $bucket "* ]] || template_buckets+=("$bucket")
done
# The chains' Schedules, one Cloud Scheduler job each (infra/schedules.sh).
[ "$teardown" = true ] || read_schedules
# The chains' Triggers, one bucket notification per bucket and prefix (infra/triggers.sh).
[ "$teardown" = true ] || read_triggers
# The topics the chains' pubsub:publish Tasks publish to (infra/publish-topics.sh).
read_publish_topics
# The function may act as the default worker account and as every account a chain names.
act_as=("$worker_sa")
for account in "${chain_sas[@]}"; do
  [ "$account" = "$worker_sa" ] || act_as+=("$account")
done

# The sink selects dfchain's jobs by name prefix (a job-end log entry has no user labels,
# ARCHITECTURE.md §4): the filter is generated from the chains, and a chain added or a jobName
# renamed after the last deploy has jobs whose ends the sink never delivers until this re-runs.
filter=$(dfchain sink-filter --chains-dir "$chains_dir") ||
  die "could not generate the sink filter of $chains_dir"
mapfile -t prefixes < <(filter_prefixes <<<"$filter")
prefix_list=$(printf '%s, ' "${prefixes[@]}" | sed 's/, $//')
# Each chain and its Tasks' job-name prefixes, "CHAIN PREFIX…" a line, for the plan.
chain_lines=$(node --input-type=module -e '
  import { loadChains } from "./dist/chain/load.js";
  import { chainPrefixes } from "./dist/chain/job-name.js";
  for (const [name, chain] of loadChains(process.argv[1]))
    console.log([name, ...[...chainPrefixes([chain])].sort()].join(" "));
' "$chains_dir") || die "could not read the chains of $chains_dir"

# Read-only look-ups, when gcloud has an account (a dry run makes no gcloud call at all).
online=false
if [ "$dry_run" = false ] && [ -n "$(gcloud config get-value account 2>/dev/null)" ]; then
  online=true
fi
if [ "$online" = true ]; then
  if live_regions=$(gcloud functions regions list --gen2 "$p" --format='value(locationId)' 2>/dev/null) &&
    [ -n "$live_regions" ]; then
    grep -qxF -- "$region" <<<"$live_regions" ||
      die "--region \"$region\" is not offered to $project by Cloud Functions (2nd gen); gcloud functions regions list --gen2 offers: $(tr '\n' ' ' <<<"$live_regions")"
  else
    warn "could not list the Cloud Functions regions of $project with gcloud; going by infra/regions.txt"
  fi
fi

# The Firestore location is permanent: stated (--firestore-location), kept (the database
# exists), or confirmed at a terminal; never chosen silently.
firestore_note=
if [ "$teardown" = false ]; then
  existing_location=
  if [ "$online" = true ]; then
    existing_location=$(gcloud firestore databases describe --database="$firestore_database" "$p" \
      --format='value(locationId)' 2>/dev/null) || existing_location=
  fi
  if [ -n "$existing_location" ]; then
    [ -z "$firestore_location" ] || [ "$firestore_location" = "$existing_location" ] ||
      die "the Firestore database \"$firestore_database\" of $project is in $existing_location, and a database's location is permanent: pass --firestore-location $existing_location (or none), or --firestore-database NAME for a new database in $firestore_location"
    firestore_location=$existing_location
    firestore_note="the existing database's location"
  elif [ -n "$firestore_location" ]; then
    firestore_note="stated with --firestore-location; permanent once the database is created"
  else
    offer=$region
    listed "$offer" "$root/infra/firestore-locations.txt" || offer=
    unstated="no --firestore-location: a new Firestore database \"$firestore_database\" would be created in ${offer:-no known location}${offer:+ (the region of the function)}, and a database's location is PERMANENT (it cannot be changed or moved later)"
    if [ "$dry_run" = true ]; then
      [ -n "$offer" ] || die "$unstated; pass --firestore-location L (a region, or eur3, nam5, nam7)"
      warn "$unstated; a deploy asks before creating it, or refuses without a terminal: pass --firestore-location $offer (or eur3, nam5, …) to state it"
      firestore_location=$offer
      firestore_note="NOT STATED: the region is assumed; a deploy asks, or refuses without a terminal; permanent once created"
    elif [ -t 0 ] && [ -n "$offer" ]; then
      printf 'deploy.sh: %s.\nCreate it in %s? [y/N] ' "$unstated" "$offer" >&2
      read -r answer || answer=
      case $answer in
        y | Y | yes | YES) ;;
        *) die "nothing was changed: pass --firestore-location L (a region, or eur3, nam5, nam7) and deploy again" ;;
      esac
      firestore_location=$offer
      firestore_note="confirmed at the prompt; permanent once the database is created"
    else
      die "$unstated; this run has no terminal to ask on, so nothing was changed: pass --firestore-location ${offer:-L} (or a multi-region such as eur3 or nam5) and deploy again"
    fi
  fi
fi

# What the deployed sink selects, against what the chains now need.
sink_note="re-run this deploy after adding a chain or renaming a jobName: until then the sink does not select the new prefix, and the ends of those jobs are never delivered"
if [ "$teardown" = false ] && [ "$online" = true ]; then
  if deployed_filter=$(gcloud logging sinks describe "$sink" "$p" --format='value(filter)' 2>/dev/null); then
    mapfile -t deployed_prefixes < <(filter_prefixes <<<"$deployed_filter")
    added=$(comm -13 <(printf '%s\n' "${deployed_prefixes[@]}") <(printf '%s\n' "${prefixes[@]}") | paste -sd' ' -)
    dropped=$(comm -23 <(printf '%s\n' "${deployed_prefixes[@]}") <(printf '%s\n' "${prefixes[@]}") | paste -sd' ' -)
    if [ -n "$added$dropped" ]; then
      warn "the deployed sink $sink selects job-name prefixes ($(printf '%s ' "${deployed_prefixes[@]}" | sed 's/ $//')) that differ from the chains' ($prefix_list)${added:+: not delivered until this deploy: $added}${dropped:+; no longer used: $dropped}; this deploy updates the filter (jobs of new prefixes that ended before it were never delivered: check them with dfchain status)"
    elif [ "$deployed_filter" != "$filter" ]; then
      warn "the deployed sink $sink has another filter than the one generated from $chains_dir; this deploy replaces it"
    fi
  else
    echo "deploy.sh: no sink $sink yet in $project: this deploy creates it for the job-name prefixes $prefix_list" >&2
    echo "deploy.sh: $sink_note" >&2
  fi
elif [ "$teardown" = false ]; then
  echo "deploy.sh: sink filter: the deployed filter was not read (dry run); this deploy sets one selecting the job-name prefixes $prefix_list: $filter" >&2
  echo "deploy.sh: $sink_note" >&2
fi

# A dry run starts with a short plan, as comments the printed script skips.
if [ "$dry_run" = true ]; then
  plan() { printf '# %-19s %s\n' "$1" "$2"; }
  if [ "$teardown" = true ]; then
    echo "# dfchain teardown plan (dry run: nothing is changed, no gcloud command was run)"
  else
    echo "# dfchain deploy plan (dry run: nothing is changed, no gcloud command was run)"
  fi
  plan project: "$project"
  plan region: "$region (function, its Pub/Sub trigger, scheduler job, timers queue)"
  if [ "$teardown" = false ]; then
    plan "Firestore:" "database $firestore_database in $firestore_location ($firestore_note)"
  fi
  plan function: "$function_name (Cloud Functions 2nd gen, runtime nodejs22, $memory, at most $max_instances instances)"
  while read -r chain chain_prefixes; do
    plan "chain $chain:" "job-name prefixes ${chain_prefixes// /, }"
  done <<<"$chain_lines"
  plan "sink filter:" "jobs named ^($(IFS='|' && echo "${prefixes[*]}"))-<12 hex>\$; re-run after adding a chain or renaming a jobName"
  eventarc_triggers=none
  if [ "$eventarc" = true ] && [ ${#regions[@]} -gt 0 ]; then
    eventarc_triggers=$(printf 'dfchain-dataflow-%s, ' "${regions[@]}" | sed 's/, $//')
  fi
  if [ "$teardown" = true ]; then
    plan deletes: "function $function_name, Eventarc triggers ($eventarc_triggers), scheduler job $scheduler_job and every ${schedule_prefix}* job, sink $sink, topics $topic and $dead_topic, the dfchain service accounts and their bindings, the log metrics ${metric_names[*]} and the dfchain alert policies"
    plan keeps: "Firestore database $firestore_database, role $launcher_role_id, queue $tasks_queue (purged)"
  else
    plan "creates if missing:" "topics $topic and $dead_topic, service accounts dfchain-fn, dfchain-trigger$([ "$own_build_sa" = false ] || echo ', dfchain-build')$([ "$own_worker_sa" = false ] || echo ', dfchain-worker'), Firestore database $firestore_database, sink $sink, queue $tasks_queue, scheduler job $scheduler_job, Eventarc triggers ($eventarc_triggers)"
    plan updates: "function $function_name (new source; --update-env-vars keeps variables set by hand), sink filter, role $launcher_role_id, schedule, dead-letter policy, IAM bindings (added, never removed)"
    plan "creates or updates:" "log metrics and alert policies (below), one scheduler job per chain Schedule (below)"
    observability_plan
    schedules_plan
    triggers_plan
    publish_topics_plan
  fi
  echo "#"
fi

if [ "$teardown" = true ]; then
  # The alert policies (found by their display names, as Cloud Monitoring names them), the log
  # metrics and the chains' scheduler jobs; teardown.sh deletes the rest.
  observability_teardown
  schedules_delete_except
  publish_topics_teardown
  # shellcheck source=teardown.sh
  source "$root/infra/teardown.sh"
  exit 0
fi

# Refuse to deploy chains whose launches Dataflow refuses (a dry run: nothing is launched).
if [ "$validate_remote" = true ]; then
  remote=(node dist/cli/main.js validate --remote --chains-dir "$chains_dir")
  [ -z "$validate_input" ] || remote+=(--input "$validate_input")
  run env GOOGLE_CLOUD_PROJECT="$project" "${remote[@]}" ||
    die "Dataflow refused launches of the chains in $chains_dir: fix the problems above, then deploy again"
fi

list() { printf '%s; ' "$@" | sed 's/; $//'; }
if [ ${#computed_templates[@]} -gt 0 ] && [ ${#extra_template_buckets[@]} -eq 0 ]; then
  warn "$(list "${computed_templates[@]}"): the template path is computed at run time (containerSpecGcsPath.\$), so no bucket is known for it and the function may not read its template; pass --template-bucket BUCKET for each bucket it can name"
fi
publish_topics_warn
if [ ${#computed_run_jobs[@]} -gt 0 ]; then
  warn "$(list "${computed_run_jobs[@]}"): the Cloud Run job is computed at run time (job.\$), so the sink filter cannot name it and its executions' ends reach the function only through the tick; name the job in the chain, or add it to the sink filter by hand"
fi
if [ ${#computed_readers[@]} -gt 0 ]; then
  warn "$(list "${computed_readers[@]}"): the ItemReader's bucket is computed at run time (bucket.\$); grant dfchain-fn roles/storage.objectViewer on each bucket it can name, by hand"
fi
if [ ${#computed_sas[@]} -gt 0 ]; then
  warn "$(list "${computed_sas[@]}"): the worker account is computed at run time (serviceAccountEmail.\$); grant dfchain-fn roles/iam.serviceAccountUser on each account it can name, by hand"
fi
case $chains_rel in
  dag | dag/*) ;;
  *) warn "chains folder $chains_rel is not in the upload allow-list (.gcloudignore uploads src/ and dag/ only), so the function would not find it; move the chains under dag/ or allow the folder in .gcloudignore" ;;
esac

# Log-based metrics and alert policies (infra/observability.sh). Done before the rest, so a
# project without Cloud Monitoring fails early.
observability_note
run gcloud services enable logging.googleapis.com monitoring.googleapis.com "$p"
observability_metrics
observability_policies

# shellcheck source=create.sh
source "$root/infra/create.sh"
