#!/usr/bin/env bash
# worker.sh: run one command for a dfchain `pubsub:publish.waitForTaskToken` Task and report
# back to dfchain: heartbeats while the command runs, then the callback with its result.
#
#   worker.sh [--token TOKEN] [--topic TOPIC] [--project PROJECT] [--heartbeat SECONDS] \
#             -- COMMAND [ARG...]
#
# COMMAND [ARG...] is your job: replace nothing here, pass it after `--`. It runs with
#   DFCHAIN_OUTPUT  a file it may write its result to: one JSON value (object, array, string,
#                   number...), at most 256 KiB, which becomes the Task's result. Nothing written:
#                   the result is {}.
#   DFCHAIN_ERROR   a file it may write an error name to (first line, at most 256 characters,
#                   e.g. Extract.NoInput) for a Catch or Retry to match when it fails.
# The token is not passed on to the command.
#
# Options (each also read from the environment variable named after it):
#   --token      DFCHAIN_TOKEN      the $$.Task.Token the Task handed out (required)
#   --topic      DFCHAIN_TOPIC      dfchain's events topic: T or projects/P/topics/T
#                                   (default dfchain-events)
#   --project    DFCHAIN_PROJECT    the project of a short topic name (default: gcloud's project)
#   --heartbeat  DFCHAIN_HEARTBEAT_SECONDS  seconds between heartbeats (default 60; 0: none).
#                                   Keep it well under the Task's HeartbeatSeconds.
#   DFCHAIN_PUBLISH_ATTEMPTS (default 5) and DFCHAIN_PUBLISH_RETRY_SECONDS (default 2, doubled
#   each time): how hard the final callback is tried when gcloud fails.
#
# What it sends (gcloud pubsub topics publish TOPIC --message=JSON):
#   {"dfchain":"heartbeat","token":T}                             every --heartbeat seconds
#   {"dfchain":"callback","token":T,"status":"SUCCEEDED","output":OUTPUT}         on exit 0
#   {"dfchain":"callback","token":T,"status":"FAILED","error":E,"cause":C}        otherwise
#     E: the name in DFCHAIN_ERROR, else Worker.Failed (Worker.Interrupted on SIGTERM/SIGINT,
#     Worker.InvalidOutput when DFCHAIN_OUTPUT is not one JSON value or is too large);
#     C: the exit status and the last 8 KB of the command's stderr.
#
# Exit status: the command's; 64 for a usage error; 70 when the callback could not be sent.
#
# JSON is built in pure bash (printf and parameter expansion, escaping per RFC 8259 §7), so the
# script needs only bash and gcloud: jq is on few VM images, and python3 is absent from some
# (Container-Optimized OS, minimal images). jq or python3, when present, only check OUTPUT.

set -uo pipefail

readonly MAX_OUTPUT_BYTES=262144 # dfchain's limit on a callback output (256 KiB)
readonly MAX_ERROR_CHARS=256     # the longest error name a callback may carry
readonly CAUSE_BYTES=8192        # how much of the command's stderr goes into the cause

log() { printf 'dfchain worker: %s\n' "$*" >&2; }
usage() {
  log "$1"
  log 'usage: worker.sh [--token TOKEN] [--topic TOPIC] [--project PROJECT] [--heartbeat SECONDS] -- COMMAND [ARG...]'
  exit 64
}

token=${DFCHAIN_TOKEN:-}
topic=${DFCHAIN_TOPIC:-dfchain-events}
project=${DFCHAIN_PROJECT:-}
heartbeat=${DFCHAIN_HEARTBEAT_SECONDS:-60}
attempts=${DFCHAIN_PUBLISH_ATTEMPTS:-5}
retry=${DFCHAIN_PUBLISH_RETRY_SECONDS:-2}

while (($# > 0)); do
  case $1 in
    --token) token=${2-}; shift 2 || usage '--token needs a value' ;;
    --topic) topic=${2-}; shift 2 || usage '--topic needs a value' ;;
    --project) project=${2-}; shift 2 || usage '--project needs a value' ;;
    --heartbeat) heartbeat=${2-}; shift 2 || usage '--heartbeat needs a value' ;;
    --) shift; break ;;
    *) usage "unknown option $1 (the command goes after --)" ;;
  esac
done
(($# > 0)) || usage 'no command given after --'
[[ -n $token ]] || usage 'no token: pass --token or set DFCHAIN_TOKEN to the Task'"'"'s $$.Task.Token'
[[ -n $topic ]] || usage 'no topic: pass --topic or set DFCHAIN_TOPIC'
[[ $heartbeat =~ ^[0-9]+(\.[0-9]+)?$ ]] || usage "--heartbeat must be a number of seconds, got $heartbeat"
[[ $attempts =~ ^[1-9][0-9]*$ ]] || usage "DFCHAIN_PUBLISH_ATTEMPTS must be a positive integer, got $attempts"

# A JSON string literal of $1: backslash, quote and every control character escaped.
json_string() {
  local LC_ALL=C s=$1 i c
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\n'/\\n}
  s=${s//$'\r'/\\r}
  s=${s//$'\t'/\\t}
  for ((i = 1; i < 32; i++)); do
    printf -v c "\\x$(printf %02x "$i")"
    [[ $s == *"$c"* ]] && s=${s//"$c"/$(printf '\\u%04x' "$i")}
  done
  printf '"%s"' "$s"
}

# True when $1 names a file holding exactly one JSON value (checked when jq or python3 exists).
valid_json_file() {
  if command -v jq >/dev/null 2>&1; then
    jq -e -s 'length == 1' "$1" >/dev/null 2>&1
  elif command -v python3 >/dev/null 2>&1; then
    python3 -c 'import json,sys; json.load(open(sys.argv[1], encoding="utf-8"))' "$1" 2>/dev/null
  else
    return 0
  fi
}

publish_once() {
  gcloud pubsub topics publish "$topic" --message="$1" ${project:+"--project=$project"} >/dev/null
}

# The callback must arrive: retried with doubling pauses. A repeat is harmless (dfchain applies
# a token once and logs the rest as token.rejected).
publish() {
  local attempt pause=$retry
  for ((attempt = 1; attempt <= attempts; attempt++)); do
    publish_once "$1" && return 0
    log "publish to $topic failed (attempt $attempt of $attempts)"
    ((attempt < attempts)) && sleep "$pause" && pause=$(awk "BEGIN { print $pause * 2 }")
  done
  return 1
}

work=$(mktemp -d "${TMPDIR:-/tmp}/dfchain-worker.XXXXXX") || exit 70
trap 'rm -rf "$work"' EXIT
: >"$work/output" && : >"$work/error" && : >"$work/stderr"
token_json=$(json_string "$token")

beats=
if [[ $heartbeat != 0 && ! $heartbeat =~ ^0+(\.0+)?$ ]]; then
  (
    trap - EXIT
    while sleep "$heartbeat"; do
      publish_once "{\"dfchain\":\"heartbeat\",\"token\":$token_json}" || log 'heartbeat not sent'
    done
  ) &
  beats=$!
fi

# The command in its own process group (set -m), so a signal to this script reaches all of it;
# its stderr also copied to a file for the cause.
set -m
(
  trap - EXIT
  export DFCHAIN_OUTPUT="$work/output" DFCHAIN_ERROR="$work/error"
  unset DFCHAIN_TOKEN
  { "$@" 2>&1 1>&3 3>&- | tee "$work/stderr" >&2 3>&-; exit "${PIPESTATUS[0]}"; } 3>&1
) &
job=$!
set +m
interrupted=
on_signal() {
  interrupted=$1
  kill -TERM -- "-$job" 2>/dev/null
}
trap 'on_signal SIGTERM' TERM
trap 'on_signal SIGINT' INT
status=0
wait "$job" || status=$?
# A trapped signal ends `wait` early: wait again for the command itself to end.
while kill -0 "$job" 2>/dev/null; do wait "$job" || status=$?; done
trap - TERM INT
[[ -n $beats ]] && kill "$beats" 2>/dev/null && wait "$beats" 2>/dev/null

failed() {
  local name=$1 cause=$2
  printf '{"dfchain":"callback","token":%s,"status":"FAILED","error":%s,"cause":%s}' \
    "$token_json" "$(json_string "$name")" "$(json_string "$cause")"
}

if [[ -n $interrupted ]]; then
  message=$(failed Worker.Interrupted "the worker was stopped by $interrupted (the machine is shutting down or was preempted) while $1 ran")
  ((status == 0)) && status=143
elif ((status != 0)); then
  name=$(head -n 1 "$work/error" | tr -d '\r\000')
  ((${#name} > 0 && ${#name} <= MAX_ERROR_CHARS)) || name=Worker.Failed
  tail_text=$(tail -c "$CAUSE_BYTES" "$work/stderr" | tr -d '\000')
  message=$(failed "$name" "$1 exited with status $status; the end of its stderr:"$'\n'"$tail_text")
else
  size=$(wc -c <"$work/output")
  if ((size == 0)); then
    output='{}'
  elif ((size > MAX_OUTPUT_BYTES)); then
    output=
    message=$(failed Worker.InvalidOutput "DFCHAIN_OUTPUT holds $size bytes, over dfchain's limit of $MAX_OUTPUT_BYTES; write a reference to the data (such as a gs:// path) instead")
  elif ! valid_json_file "$work/output"; then
    output=
    message=$(failed Worker.InvalidOutput "DFCHAIN_OUTPUT is not one JSON value: $(head -c 200 "$work/output" | tr -d '\000')")
  else
    output=$(tr -d '\000' <"$work/output")
  fi
  if [[ -n $output ]]; then
    message="{\"dfchain\":\"callback\",\"token\":$token_json,\"status\":\"SUCCEEDED\",\"output\":$output}"
  else
    status=1
  fi
fi

if ! publish "$message"; then
  log "the callback could not be sent to $topic; the Task will time out unless it is sent again"
  exit 70
fi
log "callback sent to $topic"
exit "$status"
