# shellcheck shell=bash
# The deploy steps of deploy.sh (sourced after the chains validated and their facts were read).
# Every role is granted to the one account that uses it, on the narrowest resource that works;
# the sources of each requirement are cited beside it and in README "Deploying".

run gcloud services enable cloudfunctions.googleapis.com run.googleapis.com \
  cloudbuild.googleapis.com artifactregistry.googleapis.com eventarc.googleapis.com \
  pubsub.googleapis.com logging.googleapis.com dataflow.googleapis.com \
  firestore.googleapis.com cloudscheduler.googleapis.com iam.googleapis.com \
  cloudtasks.googleapis.com "$p"

lookup PROJECT_NUMBER gcloud projects describe "$project" --format='value(projectNumber)'
pubsub_agent=serviceAccount:service-$PROJECT_NUMBER@gcp-sa-pubsub.iam.gserviceaccount.com

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

# Service accounts: the function's, the triggers', and (unless given) the build's and workers'.
ensure gcloud iam service-accounts describe "$fn_sa" "$p" -- \
  gcloud iam service-accounts create dfchain-fn --display-name='dfchain function' "$p"
ensure gcloud iam service-accounts describe "$trigger_sa" "$p" -- \
  gcloud iam service-accounts create dfchain-trigger --display-name='dfchain trigger' "$p"
if [ "$own_build_sa" = true ]; then
  ensure gcloud iam service-accounts describe "$build_sa" "$p" -- \
    gcloud iam service-accounts create dfchain-build --display-name='dfchain build' "$p"
  # New projects no longer build as the default Cloud Build account; a build account needs
  # these (https://cloud.google.com/functions/1stgendocs/securing/build-custom-sa and
  # https://cloud.google.com/run/docs/configuring/services/build-service-account): logs, the
  # image in Artifact Registry, and the uploaded source (gcf-v2-sources-*, made by the deploy).
  for role in roles/logging.logWriter roles/artifactregistry.writer roles/storage.objectViewer; do
    run_retrying gcloud projects add-iam-policy-binding "$project" \
      --member="serviceAccount:$build_sa" --role="$role" --condition=None
  done
fi
if [ "$own_worker_sa" = true ]; then
  ensure gcloud iam service-accounts describe "$worker_sa" "$p" -- \
    gcloud iam service-accounts create dfchain-worker --display-name='dfchain Dataflow workers' "$p"
  # Workers lease and report work items; the flex template launcher VM (same account) pulls
  # the template image (https://cloud.google.com/dataflow/docs/concepts/security-and-permissions,
  # https://cloud.google.com/dataflow/docs/guides/templates/run-flex-templates).
  for role in roles/dataflow.worker roles/artifactregistry.reader; do
    run_retrying gcloud projects add-iam-policy-binding "$project" \
      --member="serviceAccount:$worker_sa" --role="$role" --condition=None
  done
fi

# Only the Dataflow calls dfchain makes: jobs.get, jobs.list, flexTemplates.launch, which
# needs dataflow.jobs.create (https://cloud.google.com/dataflow/docs/concepts/access-control:
# each method needs the permission of its name; a launch creates a job), and a cancel, jobs.update
# with requestedState JOB_STATE_CANCELLED, which "Requires the dataflow.jobs.cancel permission"
# (REST reference, projects.locations.jobs.update), and jobs.getMetrics when a job ends (the
# cost of a run, docs/cost.md), which needs dataflow.metrics.get (same page's method table).
# roles/dataflow.developer would add update, snapshots and messages on every job of the project.
# A run:job Task starts a Cloud Run job execution with overrides (jobs.run: run.jobs.run and
# run.jobs.runWithOverrides), confirms and finds it (run.executions.get, run.executions.list)
# and cancels it (run.executions.cancel): https://cloud.google.com/run/docs/reference/iam/permissions;
# roles/run.developer would add create, update and delete on every job (docs/cloud-run.md §5).
launcher_permissions=dataflow.jobs.create,dataflow.jobs.get,dataflow.jobs.list,dataflow.jobs.cancel,dataflow.metrics.get,run.jobs.run,run.jobs.runWithOverrides,run.executions.get,run.executions.list,run.executions.cancel
upsert gcloud iam roles describe "$launcher_role_id" "$p" -- \
  gcloud iam roles update "$launcher_role_id" --permissions="$launcher_permissions" "$p" -- \
  gcloud iam roles create "$launcher_role_id" --title='dfchain launcher' \
  --description='Launch flex templates and Cloud Run job executions, read and cancel them: what the dfchain function calls' \
  --permissions="$launcher_permissions" --stage=GA "$p"
run_retrying gcloud projects add-iam-policy-binding "$project" \
  --member="serviceAccount:$fn_sa" --role="$launcher_role" --condition=None
# The run store: only dfchain's own database, by an IAM condition on the database name
# (https://cloud.google.com/firestore/native/docs/manage-databases#configure_database_access_conditions).
run_retrying gcloud projects add-iam-policy-binding "$project" \
  --member="serviceAccount:$fn_sa" --role=roles/datastore.user --condition="$database_condition"
# A launch names a worker account (the chain's, or Dataflow's default): the caller must be
# allowed to act as it.
for account in "${act_as[@]}"; do
  run_retrying gcloud iam service-accounts add-iam-policy-binding "$account" \
    --member="serviceAccount:$fn_sa" --role=roles/iam.serviceAccountUser "$p"
done
# A flex template launch reads the template spec as the caller (roles/dataflow.developer has no
# storage.objects.get); the launcher VM reads it again as the worker account.
for bucket in "${template_buckets[@]}"; do
  run_retrying gcloud storage buckets add-iam-policy-binding "gs://$bucket" \
    --member="serviceAccount:$fn_sa" --role=roles/storage.objectViewer
  if [ "$own_worker_sa" = true ]; then
    run_retrying gcloud storage buckets add-iam-policy-binding "gs://$bucket" \
      --member="serviceAccount:$worker_sa" --role=roles/storage.objectViewer
  fi
done
# A Map's ItemReader lists and reads objects as the function (storage.objects.list and .get).
for bucket in "${reader_buckets[@]}"; do
  run_retrying gcloud storage buckets add-iam-policy-binding "gs://$bucket" \
    --member="serviceAccount:$fn_sa" --role=roles/storage.objectViewer
done
# Workers stage files and write temporary data under tempLocation and stagingLocation.
if [ "$own_worker_sa" = true ]; then
  for bucket in "${work_buckets[@]}"; do
    run_retrying gcloud storage buckets add-iam-policy-binding "gs://$bucket" \
      --member="serviceAccount:$worker_sa" --role=roles/storage.objectAdmin
  done
fi

# Timers: one Cloud Tasks queue in the function's region. The function creates a named task
# per timer (cloudtasks.tasks.create: roles/cloudtasks.enqueuer, on this queue only); at the due
# time the task POSTs the timer to Pub/Sub's REST publish with an OAuth token of the function's
# account, so that account publishes on the topic, and the function, which makes the tasks, must
# be allowed to act as it: "The caller must have iam.serviceAccounts.actAs permission for the
# service account" (google.cloud.tasks.v2.OAuthToken).
ensure gcloud tasks queues describe "$tasks_queue" --location="$region" "$p" -- \
  gcloud tasks queues create "$tasks_queue" --location="$region" "$p"
run_retrying gcloud tasks queues add-iam-policy-binding "$tasks_queue" --location="$region" \
  --member="serviceAccount:$fn_sa" --role=roles/cloudtasks.enqueuer "$p"
run_retrying gcloud iam service-accounts add-iam-policy-binding "$fn_sa" \
  --member="serviceAccount:$fn_sa" --role=roles/iam.serviceAccountUser "$p"
run_retrying gcloud pubsub topics add-iam-policy-binding "$topic" \
  --member="serviceAccount:$fn_sa" --role=roles/pubsub.publisher "$p"
# The topics of the chains' pubsub:publish Tasks (infra/publish-topics.sh).
publish_topics_deploy

# dfchain's own Firestore database. A database of that name in Datastore mode cannot hold
# Firestore documents: stop before anything depends on it.
refuse_if DATASTORE_MODE "the Firestore database \"$firestore_database\" of $project is in Datastore mode, which dfchain cannot use; pass --firestore-database NAME with a new name (dfchain creates it in Native mode)" \
  gcloud firestore databases describe --database="$firestore_database" "$p" --format='value(type)'
ensure gcloud firestore databases describe --database="$firestore_database" "$p" -- \
  gcloud firestore databases create --database="$firestore_database" \
  --location="$firestore_location" --type=firestore-native "$p"

# The sink, and the right of its writer identity to publish (without it the sink sends nothing).
destination=pubsub.googleapis.com/projects/$project/topics/$topic
upsert gcloud logging sinks describe "$sink" "$p" -- \
  gcloud logging sinks update "$sink" "$destination" --log-filter="$filter" "$p" -- \
  gcloud logging sinks create "$sink" "$destination" --log-filter="$filter" \
  --description='Dataflow job ends of dfchain chains, to the dfchain function' "$p"
lookup WRITER_IDENTITY gcloud logging sinks describe "$sink" "$p" --format='value(writerIdentity)'
run_retrying gcloud pubsub topics add-iam-policy-binding "$topic" \
  --member="$WRITER_IDENTITY" --role=roles/pubsub.publisher "$p"

# nodejs22: Cloud Functions decommissioned nodejs20 on 2026-10-30 (issue 7). 540 s is the most
# an event function may run; the budget inside it is in README "Deploying". Internal ingress
# still lets Pub/Sub and Eventarc of this project deliver
# (https://cloud.google.com/run/docs/securing/ingress).
# --update-env-vars sets these and keeps any other variable of the function (one set by hand, or
# by an earlier version of this script); --set-env-vars and --env-vars-file would first remove
# "All existing environment variables" (gcloud functions deploy --help), on every re-run.
env_vars=GOOGLE_CLOUD_PROJECT=$project,DFCHAIN_CHAINS_DIR=$chains_rel
env_vars+=,DFCHAIN_FIRESTORE_DATABASE=$firestore_database,DFCHAIN_DATAFLOW_TIMEOUT_SECONDS=30
# Tasks that name no serviceAccountEmail run as the worker account, never the Compute Engine one.
env_vars+=,DFCHAIN_WORKER_SERVICE_ACCOUNT=$worker_sa
# Timers go to the queue above and come back on the topic, published as the function's account.
env_vars+=,DFCHAIN_TIMERS=cloudtasks,DFCHAIN_TOPIC=$topic,DFCHAIN_TASKS_QUEUE=$tasks_queue
env_vars+=,DFCHAIN_TASKS_LOCATION=$region,DFCHAIN_TIMER_SERVICE_ACCOUNT=$fn_sa
run gcloud functions deploy "$function_name" --gen2 --runtime=nodejs22 --region="$region" \
  --source=. --entry-point=dfchain --trigger-topic="$topic" --retry --timeout=540s \
  --memory="$memory" --max-instances="$max_instances" --ingress-settings=internal-only \
  --service-account="$fn_sa" --trigger-service-account="$trigger_sa" \
  --build-service-account="projects/$project/serviceAccounts/$build_sa" \
  --no-allow-unauthenticated --update-env-vars="$env_vars" "$p"
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
# The chains' Schedules: one job each on the same topic (infra/schedules.sh).
schedules_deploy
# The chains' Triggers: bucket notifications on the same topic (infra/triggers.sh).
triggers_deploy

if [ "$eventarc" = true ]; then
  # Direct events from Dataflow (unlike Pub/Sub ones) need the receiver role on the trigger.
  run_retrying gcloud projects add-iam-policy-binding "$project" \
    --member="serviceAccount:$trigger_sa" --role=roles/eventarc.eventReceiver --condition=None
  # A trigger sees only the jobs of its own location: one per region the chains use, each
  # delivering to the function in its region.
  for job_region in "${regions[@]}"; do
    ensure gcloud eventarc triggers describe "dfchain-dataflow-$job_region" \
      --location="$job_region" "$p" -- \
      gcloud eventarc triggers create "dfchain-dataflow-$job_region" --location="$job_region" \
      --destination-run-service="$function_name" --destination-run-region="$region" \
      --event-filters=type=google.cloud.dataflow.job.v1beta3.statusChanged \
      --service-account="$trigger_sa" "$p"
  done
fi

if [ "$dry_run" = true ]; then
  echo "dry run: nothing was changed" >&2
else
  echo "dfchain deployed to $project ($region)" >&2
fi
