# Who uses a cluster: sourced by e2e/cluster. `e2e/cluster start` reuses a cluster that runs, so without a claim a second
# e2e run started beside the first (a rehearsal still going when CI starts on the same machine) would share its cluster,
# and the scenarios of one would reinstall the operator, kill and stall pods under the other. A claim names the process
# that uses the cluster: ORCA_E2E_OWNER (e2e/lib.sh exports the e2e script's own pid, inherited by everything it
# starts; RealCluster its JVM's), else the caller of e2e/cluster. Its file lives beside the state it guards, since
# `stop` removes that. A claim whose process has ended is free, so a run killed with -9, or one left running with
# E2E_KEEP=1, holds nothing.

claim_owner=${ORCA_E2E_OWNER:-$PPID}

# pid and start time: a pid alone may be reused after its process ended.
claim_identity() { echo "$1 $(awk '{ print $22 }' "/proc/$1/stat" 2>/dev/null)"; }

# The live holder of claim file $1, other than this owner ("" when free or ours).
claim_holder() {
  local pid started rest
  [ -f "$1" ] || return 0
  read -r pid started rest < "$1" || return 0
  [ -n "$pid" ] && [ "$pid" != "$claim_owner" ] || return 0
  [ "$(claim_identity "$pid")" = "$pid $started" ] || return 0
  echo "pid $pid ($rest)"
}

# Takes claim file $1 for this owner; waits while another live process holds it, up to ORCA_E2E_CLAIM_WAIT seconds
# (1800), then fails naming the holder.
claim_take() {
  local file=$1 what=$2 limit=${ORCA_E2E_CLAIM_WAIT:-1800} waited=0 holder
  mkdir -p "$(dirname "$file")"
  while :; do
    # The check and the write under one lock, so that two runs starting together do not both see it free.
    holder=$(
      exec 9>> "$file.lock"
      flock 9
      holder=$(claim_holder "$file")
      [ -n "$holder" ] || echo "$(claim_identity "$claim_owner") $(tr '\0' ' ' < "/proc/$claim_owner/cmdline" 2>/dev/null | cut -c1-160)" > "$file"
      echo "$holder"
    )
    [ -n "$holder" ] || return 0
    if [ "$waited" -ge "$limit" ]; then
      echo "e2e/cluster: $what is still in use by $holder after ${waited} s; end that run (or raise ORCA_E2E_CLAIM_WAIT)" >&2
      exit 1
    fi
    [ "$waited" -gt 0 ] || echo "e2e/cluster: $what is in use by $holder; waiting for it to end (up to ${limit} s)" >&2
    sleep 5; waited=$((waited + 5))
  done
}

# Gives claim file $1 back if this owner holds it.
claim_release() {
  local pid _
  [ -f "$1" ] || return 0
  read -r pid _ < "$1" || return 0
  [ "$pid" != "$claim_owner" ] || rm -f "$1"
}
