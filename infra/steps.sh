# shellcheck shell=bash
# Step helpers for deploy.sh (sourced). Each helper either runs its gcloud commands or, with
# dry_run=true, prints them as one line of bash that does the same, so a dry run is a script.
# A value read at run time (lookup) is printed as NAME=$(…) and used later as "${NAME}".

# One shell word: bare when safe, "…" when it holds a ${NAME} placeholder, '…' otherwise.
quote() {
  local word=$1
  if [[ $word =~ ^[A-Za-z0-9_@%+=:,./-]+$ ]]; then
    printf '%s' "$word"
  elif [[ $word =~ \$\{[A-Z_]+\} && ! $word =~ [\"\\\`] ]]; then
    printf '"%s"' "$word"
  else
    printf "'%s'" "${word//\'/\'\\\'\'}"
  fi
}

# The command as one line of shell words.
words() {
  local out=() word
  for word in "$@"; do out+=("$(quote "$word")"); done
  printf '%s' "${out[*]}"
}

# Runs a command, echoing it to stderr first; in a dry run only prints it.
run() {
  if [ "$dry_run" = true ]; then
    printf '%s\n' "$(words "$@")"
  else
    printf '+ %s\n' "$(words "$@")" >&2
    "$@"
  fi
}

# Like run, but tries again (IAM is eventually consistent: a new service account may not be
# visible to a policy change for a few seconds).
run_retrying() {
  if [ "$dry_run" = true ]; then
    run "$@"
    return
  fi
  local attempt
  for attempt in 1 2 3 4; do
    run "$@" && return 0
    [ "$attempt" = 4 ] || sleep $((attempt * 5))
  done
  return 1
}

# Splits "DESCRIBE… -- ACTION…" into the arrays describe and action.
split_at_dashes() {
  describe=()
  action=()
  while [ "$1" != -- ]; do
    describe+=("$1")
    shift
  done
  shift
  action=("$@")
}

# ensure DESCRIBE… -- CREATE…: creates what DESCRIBE does not find.
ensure() {
  split_at_dashes "$@"
  if [ "$dry_run" = true ]; then
    printf '%s >/dev/null 2>&1 || %s\n' "$(words "${describe[@]}")" "$(words "${action[@]}")"
  elif ! "${describe[@]}" >/dev/null 2>&1; then
    run "${action[@]}"
  fi
}

# upsert DESCRIBE… -- UPDATE… -- CREATE…: updates what exists, creates what does not.
upsert() {
  split_at_dashes "$@"
  local update=() create=()
  while [ "${action[0]}" != -- ]; do
    update+=("${action[0]}")
    action=("${action[@]:1}")
  done
  create=("${action[@]:1}")
  if [ "$dry_run" = true ]; then
    printf 'if %s >/dev/null 2>&1; then %s; else %s; fi\n' "$(words "${describe[@]}")" \
      "$(words "${update[@]}")" "$(words "${create[@]}")"
  elif "${describe[@]}" >/dev/null 2>&1; then
    run "${update[@]}"
  else
    run "${create[@]}"
  fi
}

# remove DESCRIBE… -- DELETE…: deletes what DESCRIBE finds.
remove() {
  split_at_dashes "$@"
  if [ "$dry_run" = true ]; then
    printf 'if %s >/dev/null 2>&1; then %s; fi\n' "$(words "${describe[@]}")" "$(words "${action[@]}")"
  elif "${describe[@]}" >/dev/null 2>&1; then
    run "${action[@]}"
  fi
}

# refuse_if VALUE MESSAGE DESCRIBE…: stops the deploy with MESSAGE when DESCRIBE prints VALUE
# (an existing resource that cannot be used as it is), before anything is changed for it.
refuse_if() {
  local value=$1 message=$2
  shift 2
  if [ "$dry_run" = true ]; then
    printf 'if %s 2>/dev/null | grep -qx %s; then echo %s >&2; exit 2; fi\n' "$(words "$@")" \
      "$(quote "$value")" "$(quote "deploy.sh: $message")"
  elif [ "$("$@" 2>/dev/null || true)" = "$value" ]; then
    die "$message"
  fi
}

# Runs a command whose failure is expected when there is nothing to undo.
run_ignoring_failure() {
  if [ "$dry_run" = true ]; then
    printf '%s || true\n' "$(words "$@")"
  else
    run "$@" || true
  fi
}

# lookup NAME COMMAND…: sets NAME to the command's output (in a dry run, to "${NAME}").
lookup() {
  local name=$1 value
  shift
  if [ "$dry_run" = true ]; then
    # shellcheck disable=SC2016 # the $(…) and ${…} are printed, for the reader's shell
    printf '%s=$(%s)\n' "$name" "$(words "$@")"
    # shellcheck disable=SC2016
    printf -v "$name" '${%s}' "$name"
    return
  fi
  value=$("$@") || die "could not read $name with: $(words "$@")"
  [ -n "$value" ] || die "$name is empty, read with: $(words "$@")"
  printf -v "$name" '%s' "$value"
}
