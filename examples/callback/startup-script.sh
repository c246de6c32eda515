#!/bin/bash
# startup-script.sh: a Compute Engine startup script that runs one job for a dfchain
# `pubsub:publish.waitForTaskToken` Task and reports back through worker.sh.
#
# Compute Engine runs a startup script as root at every boot
# (https://cloud.google.com/compute/docs/instances/startup-scripts). Everything it needs comes
# from the VM's custom metadata (instance attributes), read from the metadata server with the
# Metadata-Flavor: Google header
# (https://cloud.google.com/compute/docs/metadata/querying-metadata):
#
#   dfchain-token      the Task's $$.Task.Token (required)
#   dfchain-worker     the text of examples/callback/worker.sh (required; pass it with
#                      --metadata-from-file=dfchain-worker=examples/callback/worker.sh)
#   dfchain-job        the job: a bash script, run as `bash JOB` (required; your work goes here,
#                      --metadata-from-file=dfchain-job=job.sh). It may write its JSON result to
#                      "$DFCHAIN_OUTPUT" and an error name to "$DFCHAIN_ERROR" (see worker.sh).
#   dfchain-topic      dfchain's events topic (default dfchain-events)
#   dfchain-project    the topic's project (default: the VM's project, as gcloud sees it)
#   dfchain-heartbeat-seconds  seconds between heartbeats (default 60)
#   dfchain-when-done  keep (default) or delete: delete the VM once the callback is sent
#
# The VM's service account needs roles/pubsub.publisher on the events topic (and, with
# dfchain-when-done=delete, permission to delete this instance), and the VM an access scope that
# lets gcloud use them (cloud-platform).
#
# A startup script runs again at every boot: a marker file makes the job run once per token,
# since dfchain refuses a second callback for the same Task anyway.

set -uo pipefail

readonly MD=http://metadata.google.internal/computeMetadata/v1
STATE=${DFCHAIN_STATE_DIR:-/var/lib/dfchain}

log() { printf 'dfchain startup-script: %s\n' "$*" >&2; }

# The value of instance attribute $1, or $2 when it is not set (the server answers 404).
attribute() {
  local value
  if value=$(curl -fsS --retry 5 -H 'Metadata-Flavor: Google' "$MD/instance/attributes/$1" 2>/dev/null); then
    printf '%s' "$value"
  elif (($# > 1)); then
    printf '%s' "$2"
  else
    log "the VM has no metadata attribute $1"
    return 1
  fi
}

# The VM's own name and zone, to delete it (instance/zone reads projects/NUMBER/zones/ZONE).
delete_self() {
  local name zone
  name=$(curl -fsS -H 'Metadata-Flavor: Google' "$MD/instance/name") || return 1
  zone=$(curl -fsS -H 'Metadata-Flavor: Google' "$MD/instance/zone") || return 1
  log "deleting instance $name in ${zone##*/}"
  gcloud compute instances delete "$name" --zone="${zone##*/}" --quiet
}

main() {
  local token worker job topic project heartbeat when_done marker status=0
  token=$(attribute dfchain-token) || return 64
  topic=$(attribute dfchain-topic dfchain-events)
  project=$(attribute dfchain-project '')
  heartbeat=$(attribute dfchain-heartbeat-seconds 60)
  when_done=$(attribute dfchain-when-done keep)
  mkdir -p "$STATE" && chmod 700 "$STATE"
  # One marker per token: the same VM started again for another Task runs again.
  marker="$STATE/done-$(printf '%s' "$token" | sha256sum | cut -c1-16)"
  if [[ -e $marker ]]; then
    log "this token's job already ran (at $(cat "$marker")); not running it again"
  else
    attribute dfchain-worker >"$STATE/worker.sh" || return 64
    attribute dfchain-job >"$STATE/job.sh" || return 64
    chmod 700 "$STATE/worker.sh"
    DFCHAIN_TOKEN=$token DFCHAIN_TOPIC=$topic DFCHAIN_PROJECT=$project \
      DFCHAIN_HEARTBEAT_SECONDS=$heartbeat "$STATE/worker.sh" -- bash "$STATE/job.sh" || status=$?
    # 70: the callback was not sent; leave no marker, so a reboot tries again.
    ((status == 70)) || date -u +%Y-%m-%dT%H:%M:%SZ >"$marker"
  fi
  if [[ $when_done == delete ]] && ((status != 70)); then delete_self || status=$?; fi
  return "$status"
}

main "$@"
