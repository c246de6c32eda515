# shellcheck shell=bash
# The deploy steps of deploy.sh (sourced after the chains validated and $filter is set).

run gcloud services enable cloudfunctions.googleapis.com run.googleapis.com \
  cloudbuild.googleapis.com artifactregistry.googleapis.com eventarc.googleapis.com \
  pubsub.googleapis.com logging.googleapis.com dataflow.googleapis.com \
  firestore.googleapis.com cloudscheduler.googleapis.com iam.googleapis.com "$p"

lookup PROJECT_NUMBER gcloud projects describe "$project" --format='value(projectNumber)'
pubsub_agent=serviceAccount:service-$PROJECT_NUMBER@gcp-sa-pubsub.iam.gserviceaccount.com
worker_sa=${worker_sa:-$PROJECT_NUMBER-compute@developer.gserviceaccount.com}

# Topics. Dead-lettered messages are kept by a subscription of their own: a topic alone keeps
# nothing.
ensure gcloud pubsub topics describe "$topic" "$p" -- gcloud pubsub topics create "$topic" "$p"
ensure gcloud pubsub topics describe "$dead_topic" "$p" -- \
  gcloud pubsub topics create "$dead_topic" "$p"
ensure gcloud pubsub subscriptions describe "$dead_topic" "$p" -- \
  gcloud pubsub subscriptions create "$dead_topic" --topic="$dead_topic" \
  --message-retention-duration=7d --expiration-period=never "$p"
run_retrying gcloud pubsub topics add-iam-policy-binding "$dead_topic" \
  --member="$pubsub_agent" --role=roles/pubsub.publisher "$p"

# Service accounts: the function's and the trigger's, with only the roles they use.
ensure gcloud iam service-accounts describe "$fn_sa" "$p" -- \
  gcloud iam service-accounts create dfchain-fn --display-name='dfchain function' "$p"
ensure gcloud iam service-accounts describe "$trigger_sa" "$p" -- \
  gcloud iam service-accounts create dfchain-trigger --display-name='dfchain trigger' "$p"
for role in roles/dataflow.developer roles/datastore.user roles/logging.logWriter; do
  run_retrying gcloud projects add-iam-policy-binding "$project" \
    --member="serviceAccount:$fn_sa" --role="$role" --condition=None
done
run_retrying gcloud iam service-accounts add-iam-policy-binding "$worker_sa" \
  --member="serviceAccount:$fn_sa" --role=roles/iam.serviceAccountUser "$p"

ensure gcloud firestore databases describe --database='(default)' "$p" -- \
  gcloud firestore databases create --database='(default)' --location="$firestore_location" \
  --type=firestore-native "$p"

# The sink, and the right of its writer identity to publish (without it the sink sends nothing).
destination=pubsub.googleapis.com/projects/$project/topics/$topic
upsert gcloud logging sinks describe "$sink" "$p" -- \
  gcloud logging sinks update "$sink" "$destination" --log-filter="$filter" "$p" -- \
  gcloud logging sinks create "$sink" "$destination" --log-filter="$filter" \
  --description='Dataflow job ends of dfchain chains, to the dfchain function' "$p"
lookup WRITER_IDENTITY gcloud logging sinks describe "$sink" "$p" --format='value(writerIdentity)'
run_retrying gcloud pubsub topics add-iam-policy-binding "$topic" \
  --member="$WRITER_IDENTITY" --role=roles/pubsub.publisher "$p"

run gcloud functions deploy "$function_name" --gen2 --runtime=nodejs20 --region="$region" \
  --source=. --entry-point=dfchain --trigger-topic="$topic" --retry --timeout=300s \
  --service-account="$fn_sa" --trigger-service-account="$trigger_sa" \
  --no-allow-unauthenticated \
  --set-env-vars="GOOGLE_CLOUD_PROJECT=$project,DFCHAIN_CHAINS_DIR=$chains_rel" "$p"
run_retrying gcloud run services add-iam-policy-binding "$function_name" --region="$region" \
  --member="serviceAccount:$trigger_sa" --role=roles/run.invoker "$p"

# The trigger's subscription: park a message after 10 failed deliveries instead of a day of
# retries.
lookup EVENTARC_TRIGGER gcloud functions describe "$function_name" --gen2 --region="$region" \
  "$p" --format='value(eventTrigger.trigger.basename())'
lookup TRIGGER_SUBSCRIPTION gcloud eventarc triggers describe "$EVENTARC_TRIGGER" \
  --location="$region" "$p" --format='value(transport.pubsub.subscription)'
run gcloud pubsub subscriptions update "$TRIGGER_SUBSCRIPTION" --dead-letter-topic="$dead_topic" \
  --max-delivery-attempts=10 "$p"
run_retrying gcloud pubsub subscriptions add-iam-policy-binding "$TRIGGER_SUBSCRIPTION" \
  --member="$pubsub_agent" --role=roles/pubsub.subscriber "$p"

# A full topic path: gcloud cannot resolve a bare topic name from --project here.
schedule=(--location="$region" --schedule='*/5 * * * *' --time-zone=Etc/UTC
  --topic="projects/$project/topics/$topic"
  --message-body='{"dfchain":"tick"}' "$p")
upsert gcloud scheduler jobs describe "$scheduler_job" --location="$region" "$p" -- \
  gcloud scheduler jobs update pubsub "$scheduler_job" "${schedule[@]}" -- \
  gcloud scheduler jobs create pubsub "$scheduler_job" "${schedule[@]}" \
  --description='dfchain tick: reconcile running runs'

if [ "$eventarc" = true ]; then
  # Direct events from Dataflow (unlike Pub/Sub ones) need the receiver role on the trigger.
  run_retrying gcloud projects add-iam-policy-binding "$project" \
    --member="serviceAccount:$trigger_sa" --role=roles/eventarc.eventReceiver --condition=None
  ensure gcloud eventarc triggers describe "$eventarc_trigger" --location="$region" "$p" -- \
    gcloud eventarc triggers create "$eventarc_trigger" --location="$region" \
    --destination-run-service="$function_name" --destination-run-region="$region" \
    --event-filters=type=google.cloud.dataflow.job.v1beta3.statusChanged \
    --service-account="$trigger_sa" "$p"
fi

if [ "$dry_run" = true ]; then
  echo "dry run: nothing was changed" >&2
else
  echo "dfchain deployed to $project ($region)" >&2
fi
