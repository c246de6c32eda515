#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Deploys dfchain to one Google Cloud project, or tears it down. Safe to re-run: every step
# creates what is missing and updates what can drift (sink filter, schedule, dead-letter policy).
# --dry-run prints the steps as a bash script instead of running them.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: infra/deploy.sh --project P [--region R] [--chains-dir DIR] [--worker-sa EMAIL]
                       [--firestore-location L] [--eventarc] [--dry-run] [--teardown]

  --project P             project to deploy to (default: $GOOGLE_CLOUD_PROJECT)
  --region R              region of the function, trigger and scheduler (default: europe-west4)
  --chains-dir DIR        chain files, a folder inside this repository (default: dag)
  --worker-sa EMAIL       service account the Dataflow workers run as
                          (default: the Compute Engine default service account)
  --firestore-location L  location of a new (default) Firestore database (default: the region)
  --eventarc              also route Dataflow statusChanged events to the function
  --dry-run               print every gcloud command, runnable as a script, and run nothing
  --teardown              delete what this script creates (keeps the Firestore database)
EOF
}

die() {
  printf 'deploy.sh: %s\n' "$*" >&2
  exit 2
}

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
project=${GOOGLE_CLOUD_PROJECT:-}
region=europe-west4
chains_dir=dag
worker_sa=
firestore_location=
eventarc=false
dry_run=false
teardown=false

while [ $# -gt 0 ]; do
  flag=$1
  value=
  case $flag in
    --*=*) value=${flag#*=} flag=${flag%%=*} ;;
    --project | --region | --chains-dir | --worker-sa | --firestore-location)
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
    --firestore-location) firestore_location=$value ;;
    --eventarc) eventarc=true ;;
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
[ -n "$region" ] || die "--region is empty; pass e.g. --region europe-west4"
firestore_location=${firestore_location:-$region}

cd "$root"
source_dir=$(cd "$chains_dir" 2>/dev/null && pwd) ||
  die "chains folder \"$chains_dir\" does not exist; pass --chains-dir DIR"
case $source_dir/ in
  "$root"/*) chains_rel=${source_dir#"$root"/} ;;
  *) die "chains folder \"$chains_dir\" is outside $root; the function can only read chains uploaded with its source" ;;
esac

if [ ! -f dist/cli/main.js ]; then
  echo "dist/cli/main.js is missing; building it (npm run build)" >&2
  npm run --silent build >&2
fi
dfchain() { node dist/cli/main.js "$@"; }

topic=dfchain-events
dead_topic=dfchain-events-dead
sink=dfchain-jobs
function_name=dfchain
fn_sa=dfchain-fn@$project.iam.gserviceaccount.com
trigger_sa=dfchain-trigger@$project.iam.gserviceaccount.com
scheduler_job=dfchain-tick
eventarc_trigger=dfchain-dataflow
p=--project=$project

# shellcheck source=steps.sh
source "$root/infra/steps.sh"

if [ "$teardown" = true ]; then
  # shellcheck source=teardown.sh
  source "$root/infra/teardown.sh"
  exit 0
fi

# Refuse to deploy chains the function would refuse to load.
dfchain validate --chains-dir "$chains_dir" >&2 || die "invalid chains in $chains_dir: fix the problems above, then deploy again"
filter=$(dfchain sink-filter --chains-dir "$chains_dir")

# shellcheck source=create.sh
source "$root/infra/create.sh"
