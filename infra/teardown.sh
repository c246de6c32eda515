# shellcheck shell=bash
# The teardown steps of deploy.sh (sourced): deletes, in reverse order, what create.sh made.
# The Firestore database stays: it holds the runs' history, and a deleted database's name
# cannot be reused for a while.

lookup PROJECT_NUMBER gcloud projects describe "$project" --format='value(projectNumber)'
worker_sa=${worker_sa:-$PROJECT_NUMBER-compute@developer.gserviceaccount.com}

remove gcloud eventarc triggers describe "$eventarc_trigger" --location="$region" "$p" -- \
  gcloud eventarc triggers delete "$eventarc_trigger" --location="$region" --quiet "$p"
remove gcloud scheduler jobs describe "$scheduler_job" --location="$region" "$p" -- \
  gcloud scheduler jobs delete "$scheduler_job" --location="$region" --quiet "$p"
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
for role in roles/dataflow.developer roles/datastore.user roles/logging.logWriter; do
  run_ignoring_failure gcloud projects remove-iam-policy-binding "$project" \
    --member="serviceAccount:$fn_sa" --role="$role" --condition=None
done
run_ignoring_failure gcloud projects remove-iam-policy-binding "$project" \
  --member="serviceAccount:$trigger_sa" --role=roles/eventarc.eventReceiver --condition=None
run_ignoring_failure gcloud iam service-accounts remove-iam-policy-binding "$worker_sa" \
  --member="serviceAccount:$fn_sa" --role=roles/iam.serviceAccountUser "$p"
for doomed in "$fn_sa" "$trigger_sa"; do
  remove gcloud iam service-accounts describe "$doomed" "$p" -- \
    gcloud iam service-accounts delete "$doomed" --quiet "$p"
done

if [ "$dry_run" = true ]; then
  echo "dry run: nothing was changed" >&2
else
  echo "dfchain removed from $project ($region); the Firestore database (default) was kept" >&2
fi
