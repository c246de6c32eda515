# shellcheck shell=bash
# The teardown steps of deploy.sh (sourced): deletes, in reverse order, what create.sh made.
# Kept: the Firestore database (it holds the runs' history, and a deleted database's name cannot
# be reused for a while), the custom role (it grants nothing once its binding is gone, and a
# deleted custom role's id stays reserved, so a redeploy could not create it again at once) and
# the timers' queue (emptied: a deleted queue's name cannot be used again for 7 days,
# https://cloud.google.com/tasks/docs/quotas).

for job_region in "${regions[@]}"; do
  remove gcloud eventarc triggers describe "dfchain-dataflow-$job_region" \
    --location="$job_region" "$p" -- \
    gcloud eventarc triggers delete "dfchain-dataflow-$job_region" --location="$job_region" \
    --quiet "$p"
done
remove gcloud scheduler jobs describe "$scheduler_job" --location="$region" "$p" -- \
  gcloud scheduler jobs delete "$scheduler_job" --location="$region" --quiet "$p"
# Pending timers would publish to a topic that is gone: drop them, keep the queue.
remove gcloud tasks queues describe "$tasks_queue" --location="$region" "$p" -- \
  gcloud tasks queues purge "$tasks_queue" --location="$region" --quiet "$p"
# Deleting the function also deletes its Pub/Sub trigger and that trigger's subscription.
remove gcloud functions describe "$function_name" --gen2 --region="$region" "$p" -- \
  gcloud functions delete "$function_name" --gen2 --region="$region" --quiet "$p"
remove gcloud logging sinks describe "$sink" "$p" -- \
  gcloud logging sinks delete "$sink" --quiet "$p"
remove gcloud pubsub subscriptions describe "$dead_topic" "$p" -- \
  gcloud pubsub subscriptions delete "$dead_topic" --quiet "$p"
for doomed in "$topic" "$dead_topic"; do
  remove gcloud pubsub topics describe "$doomed" "$p" -- \
    gcloud pubsub topics delete "$doomed" --quiet "$p"
done

# Bindings outlive a deleted service account (as deleted:serviceAccount:…): remove them first.
run_ignoring_failure gcloud projects remove-iam-policy-binding "$project" \
  --member="serviceAccount:$fn_sa" --role="$launcher_role" --condition=None
run_ignoring_failure gcloud projects remove-iam-policy-binding "$project" \
  --member="serviceAccount:$fn_sa" --role=roles/datastore.user --condition="$database_condition"
run_ignoring_failure gcloud projects remove-iam-policy-binding "$project" \
  --member="serviceAccount:$trigger_sa" --role=roles/eventarc.eventReceiver --condition=None
if [ "$own_build_sa" = true ]; then
  for role in roles/logging.logWriter roles/artifactregistry.writer roles/storage.objectViewer; do
    run_ignoring_failure gcloud projects remove-iam-policy-binding "$project" \
      --member="serviceAccount:$build_sa" --role="$role" --condition=None
  done
fi
if [ "$own_worker_sa" = true ]; then
  for role in roles/dataflow.worker roles/artifactregistry.reader; do
    run_ignoring_failure gcloud projects remove-iam-policy-binding "$project" \
      --member="serviceAccount:$worker_sa" --role="$role" --condition=None
  done
fi
for bucket in "${template_buckets[@]}"; do
  run_ignoring_failure gcloud storage buckets remove-iam-policy-binding "gs://$bucket" \
    --member="serviceAccount:$fn_sa" --role=roles/storage.objectViewer
  if [ "$own_worker_sa" = true ]; then
    run_ignoring_failure gcloud storage buckets remove-iam-policy-binding "gs://$bucket" \
      --member="serviceAccount:$worker_sa" --role=roles/storage.objectViewer
  fi
done
for bucket in "${reader_buckets[@]}"; do
  run_ignoring_failure gcloud storage buckets remove-iam-policy-binding "gs://$bucket" \
    --member="serviceAccount:$fn_sa" --role=roles/storage.objectViewer
done
if [ "$own_worker_sa" = true ]; then
  for bucket in "${work_buckets[@]}"; do
    run_ignoring_failure gcloud storage buckets remove-iam-policy-binding "gs://$bucket" \
      --member="serviceAccount:$worker_sa" --role=roles/storage.objectAdmin
  done
fi
for account in "${act_as[@]}"; do
  run_ignoring_failure gcloud iam service-accounts remove-iam-policy-binding "$account" \
    --member="serviceAccount:$fn_sa" --role=roles/iam.serviceAccountUser "$p"
done
run_ignoring_failure gcloud tasks queues remove-iam-policy-binding "$tasks_queue" \
  --location="$region" --member="serviceAccount:$fn_sa" --role=roles/cloudtasks.enqueuer "$p"
run_ignoring_failure gcloud iam service-accounts remove-iam-policy-binding "$fn_sa" \
  --member="serviceAccount:$fn_sa" --role=roles/iam.serviceAccountUser "$p"
doomed_accounts=("$fn_sa" "$trigger_sa")
[ "$own_build_sa" = false ] || doomed_accounts+=("$build_sa")
[ "$own_worker_sa" = false ] || doomed_accounts+=("$worker_sa")
for doomed in "${doomed_accounts[@]}"; do
  remove gcloud iam service-accounts describe "$doomed" "$p" -- \
    gcloud iam service-accounts delete "$doomed" --quiet "$p"
done

if [ "$dry_run" = true ]; then
  echo "dry run: nothing was changed" >&2
else
  echo "dfchain removed from $project ($region); kept the Firestore database $firestore_database, the role $launcher_role and the empty queue $tasks_queue" >&2
fi
