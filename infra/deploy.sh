#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Deploys dfchain to one Google Cloud project, or tears it down. Safe to re-run: every step
# creates what is missing and updates what can drift (sink filter, schedule, dead-letter policy).
# --dry-run prints the steps as a bash script instead of running them.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: infra/deploy.sh --project P [--region R] [--chains-dir DIR] [--worker-sa EMAIL]
                       [--build-sa EMAIL] [--firestore-database NAME] [--firestore-location L]
                       [--template-bucket B]… [--max-instances N] [--memory SIZE]
                       [--no-eventarc] [--validate-remote [--validate-input JSON|@FILE]]
                       [--dry-run] [--teardown]

  --project P               project to deploy to (default: $GOOGLE_CLOUD_PROJECT)
  --region R                region of the function, its Pub/Sub trigger and the scheduler
                            (default: europe-west4)
  --chains-dir DIR          chain files, a folder inside this repository (default: dag)
  --worker-sa EMAIL         the Dataflow workers' account; the function may act as it
                            (default: dfchain-worker, created with its roles)
  --build-sa EMAIL          the account Cloud Build builds the function as
                            (default: dfchain-build, created with its roles)
  --firestore-database NAME Firestore database of the runs (default: dfchain, created if missing)
  --firestore-location L    location of a new Firestore database (default: the region)
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
  --dry-run                 print every gcloud command, runnable as a script, and run nothing
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
dry_run=false
teardown=false

while [ $# -gt 0 ]; do
  flag=$1
  value=
  case $flag in
    --*=*) value=${flag#*=} flag=${flag%%=*} ;;
    --project | --region | --chains-dir | --worker-sa | --build-sa | --firestore-database | \
      --firestore-location | --template-bucket | --max-instances | --memory | --validate-input)
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

[ -n "$project" ] || die "no project: pass --project P or set GOOGLE_CLOUD_PROJECT"
[ -z "$validate_input" ] || [ "$validate_remote" = true ] ||
  die "--validate-input is the input of --validate-remote; pass both"
[ -n "$region" ] || die "--region is empty; pass e.g. --region europe-west4"
firestore_location=${firestore_location:-$region}
# The function parses DFCHAIN_FIRESTORE_DATABASE with the same rule (src/config.ts).
[[ $firestore_database =~ ^[a-z][a-z0-9-]{2,61}[a-z0-9]$ ]] ||
  die "--firestore-database \"$firestore_database\" is not a database id (4-63 lowercase letters, digits and '-', starting with a letter); dfchain keeps its runs in a named database of its own, not (default)"
[[ $max_instances =~ ^[1-9][0-9]*$ ]] ||
  die "--max-instances \"$max_instances\" is not a positive whole number"
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

if [ ! -f dist/cli/deploy-facts.js ] || [ ! -f dist/cli/sink-filter.js ]; then
  echo "dist/cli is missing or older than this script; building it (npm run build)" >&2
  npm run --silent build >&2
fi
dfchain() { node dist/cli/main.js "$@"; }

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
while read -r kind value; do
  case $kind in
    region) regions+=("$value") ;;
    service-account) chain_sas+=("$value") ;;
    template-bucket) template_buckets+=("$value") ;;
    work-bucket) work_buckets+=("$value") ;;
    computed-template-path) computed_templates+=("$value") ;;
    computed-service-account) computed_sas+=("$value") ;;
    default-service-account) ;; # run as the worker account (DFCHAIN_WORKER_SERVICE_ACCOUNT)
  esac
done <<<"$facts"
for bucket in "${extra_template_buckets[@]}"; do
  [[ " ${template_buckets[*]} " == *" $bucket "* ]] || template_buckets+=("$bucket")
done
# The function may act as the default worker account and as every account a chain names.
act_as=("$worker_sa")
for account in "${chain_sas[@]}"; do
  [ "$account" = "$worker_sa" ] || act_as+=("$account")
done

deadline_metric=dfchain-deadline-missed
policy_file=$root/infra/alert-deadline-missed.json
policy_name=$(node -p 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).displayName' "$policy_file")
find_policy=(gcloud alpha monitoring policies list --filter="displayName=\"$policy_name\""
  --format='value(name)' "$p")

if [ "$teardown" = true ]; then
  # The missed-deadline alert policy (found by its display name, as Cloud Monitoring names it)
  # and its metric; teardown.sh deletes the rest.
  if [ "$dry_run" = true ]; then
    printf '%s 2>/dev/null | xargs -r -n1 %s\n' "$(words "${find_policy[@]}")" \
      "$(words gcloud alpha monitoring policies delete --quiet "$p")"
  else
    policies=$("${find_policy[@]}") || die "could not list the alert policies of $project: $(words "${find_policy[@]}")"
    for policy in $policies; do run gcloud alpha monitoring policies delete "$policy" --quiet "$p"; done
  fi
  remove gcloud logging metrics describe "$deadline_metric" "$p" -- \
    gcloud logging metrics delete "$deadline_metric" --quiet "$p"
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
if [ ${#computed_sas[@]} -gt 0 ]; then
  warn "$(list "${computed_sas[@]}"): the worker account is computed at run time (serviceAccountEmail.\$); grant dfchain-fn roles/iam.serviceAccountUser on each account it can name, by hand"
fi
case $chains_rel in
  dag | dag/*) ;;
  *) warn "chains folder $chains_rel is not in the upload allow-list (.gcloudignore uploads src/ and dag/ only), so the function would not find it; move the chains under dag/ or allow the folder in .gcloudignore" ;;
esac
filter=$(dfchain sink-filter --chains-dir "$chains_dir")

# Alerting on missed deadlines: a log-based metric counting run.deadline_missed lines and an alert
# policy on it. Done before the rest, so a project without Cloud Monitoring fails early.
run gcloud services enable logging.googleapis.com monitoring.googleapis.com "$p"
deadline_filter='jsonPayload.event="run.deadline_missed"'
deadline_about='dfchain runs still running at their chain Deadline'
upsert gcloud logging metrics describe "$deadline_metric" "$p" -- \
  gcloud logging metrics update "$deadline_metric" --description="$deadline_about" \
  --log-filter="$deadline_filter" "$p" -- \
  gcloud logging metrics create "$deadline_metric" --description="$deadline_about" \
  --log-filter="$deadline_filter" "$p"
# Cloud Monitoring names a policy itself, so the policy is found again by its display name.
create_policy=(gcloud alpha monitoring policies create --policy-from-file="$policy_file" "$p")
if [ "$dry_run" = true ]; then
  printf '%s 2>/dev/null | grep -q . || %s\n' "$(words "${find_policy[@]}")" "$(words "${create_policy[@]}")"
else
  policies=$("${find_policy[@]}") || die "could not list the alert policies of $project: $(words "${find_policy[@]}")"
  [ -n "$policies" ] || run "${create_policy[@]}"
fi

# shellcheck source=create.sh
source "$root/infra/create.sh"
