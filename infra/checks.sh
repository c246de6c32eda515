# shellcheck shell=bash
# Input checks of deploy.sh (sourced before anything is changed). Each check refuses a value
# Google would refuse half way through a deploy, with the value that was probably meant.

# The entries of a list file (infra/regions.txt, infra/firestore-locations.txt): no comments.
list_entries() { grep -v -e '^#' -e '^[[:space:]]*$' "$1"; }

# True when VALUE is an entry of FILE.
listed() { list_entries "$2" | grep -qxF -- "$1"; }

# did_you_mean VALUE FILE: " did you mean A, B or C?" with the (at most 3) entries of FILE
# closest to VALUE by edit distance (at most 3 edits), or nothing when none is that close.
did_you_mean() {
  local near
  near=$(list_entries "$2" | awk -v want="$1" '
    function lev(a, b,    la, lb, i, j, c, prev, cur) {
      la = length(a); lb = length(b)
      for (j = 0; j <= lb; j++) prev[j] = j
      for (i = 1; i <= la; i++) {
        cur[0] = i
        for (j = 1; j <= lb; j++) {
          c = prev[j - 1] + (substr(a, i, 1) != substr(b, j, 1))
          if (prev[j] + 1 < c) c = prev[j] + 1
          if (cur[j - 1] + 1 < c) c = cur[j - 1] + 1
          cur[j] = c
        }
        for (j = 0; j <= lb; j++) prev[j] = cur[j]
      }
      return prev[lb]
    }
    { d = lev(tolower(want), $0); if (d <= 3) print d, NR, $0 }' |
    sort -n -k1,1 -k2,2 | head -3 | cut -d' ' -f3)
  [ -n "$near" ] || return 0
  local words=() last
  mapfile -t words <<<"$near"
  if [ ${#words[@]} -eq 1 ]; then
    printf ' did you mean %s?' "${words[0]}"
  else
    last=${words[${#words[@]} - 1]}
    unset 'words[${#words[@]}-1]'
    printf ' did you mean %s or %s?' "$(printf '%s, ' "${words[@]}" | sed 's/, $//')" "$last"
  fi
}

# A project id, as Google's "Creating and managing projects" states it
# (https://cloud.google.com/resource-manager/docs/creating-managing-projects#before_you_begin):
# "Must be 6 to 30 characters in length. Can only contain lowercase letters, numbers, and hyphens.
# Must start with a letter. Cannot end with a hyphen." (Legacy domain-scoped ids, example.com:p,
# are refused too: the service account emails this script builds cannot hold them.)
check_project() {
  local id=$1 guess
  [[ $id =~ ^[a-z][a-z0-9-]{4,28}[a-z0-9]$ ]] && return 0
  guess=${id,,}
  guess=${guess//[_ .]/-}
  local hint=
  if [[ $guess != "$id" && $guess =~ ^[a-z][a-z0-9-]{4,28}[a-z0-9]$ ]]; then
    hint=" (did you mean $guess?)"
  fi
  die "--project \"$id\" is not a project id: 6 to 30 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen$hint; pass the project's id, not its name or number (gcloud projects list shows it)"
}

# A region where the function can run: the name's shape, then infra/regions.txt (Cloud Functions
# 2nd gen regions, offline: there is no `gcloud functions regions list` without credentials).
check_region() {
  local region=$1 list=$root/infra/regions.txt
  listed "$region" "$list" && return 0
  local what="not a region"
  [[ $region =~ ^[a-z]+-[a-z]+[0-9]+$ ]] && what="not a region where Cloud Functions (2nd gen) runs"
  die "--region \"$region\" is $what;$(did_you_mean "$region" "$list") (the regions are listed in infra/regions.txt)"
}

# A location where a Firestore database can be created (infra/firestore-locations.txt).
check_firestore_location() {
  local location=$1 list=$root/infra/firestore-locations.txt
  listed "$location" "$list" && return 0
  die "--firestore-location \"$location\" is not a Firestore location;$(did_you_mean "$location" "$list") (a region such as europe-west4, or a multi-region: eur3, nam5, nam7; listed in infra/firestore-locations.txt)"
}

# The job-name prefixes a sink filter selects (its resource.labels.job_name=~"^(a|b)-…" part).
# A Cloud Run part names whole job names (=~"^(a|b)$"), not prefixes: only the group before "-[0-9a-f]" counts.
filter_prefixes() { sed -n 's/.*resource\.labels\.job_name=~"^(\([^)]*\))-\[0-9a-f\].*/\1/p' | tr '|' '\n' | sort -u; }
