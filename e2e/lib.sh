# The steps every e2e command shares (e2e/run, e2e/scenarios/*), sourced with $here set to the repository: a cluster with
# its real node, Orca's images built and pushed to the node's registry, Orca installed with its Helm chart by digest,
# and claims bound to real PersistentVolumes on the node. Nothing here plays a kubelet: pods run in containerd.
e2e_state=${ORCA_E2E_RUN_STATE:-${XDG_CACHE_HOME:-$HOME/.cache}/orca-e2e/run}
export ORCA_E2E_STATE=$e2e_state/cluster
# The e2e command's own process claims the cluster (e2e/claim.sh), for everything it starts.
export ORCA_E2E_OWNER=${ORCA_E2E_OWNER:-$$}
log() { echo "e2e: $*" >&2; }

# Starts (or reuses) the cluster, stopped when the command exits unless E2E_KEEP is set; sets KUBECONFIG, $kubectl and
# $registry.
e2e_cluster() {
  eval "$("$here/e2e/cluster" start | tail -1)"; export KUBECONFIG
  trap '[ -n "${E2E_KEEP:-}" ] || "$here/e2e/cluster" stop' EXIT
  kubectl="$(cat "$ORCA_E2E_STATE/bin")/kubectl"
  registry=$("$here/e2e/node" registry)
  mkdir -p "$e2e_state"
}

# A control plane alone (no node) of its own, named $1, stopped on exit unless E2E_KEEP is set, for the scenarios that
# need only the API server; sets KUBECONFIG, $kubectl and $helm.
e2e_control_plane() {
  export ORCA_E2E_NODE=none ORCA_E2E_STATE=$e2e_state/$1-cluster
  eval "$("$here/e2e/cluster" start | tail -1)"; export KUBECONFIG
  kubectl="$(cat "$ORCA_E2E_STATE/bin")/kubectl"
  trap '[ -n "${E2E_KEEP:-}" ] || "$here/e2e/cluster" stop' EXIT
  e2e_helm
}

# Builds the operator and trainer images and pushes them to the node's registry; sets $operator_image and $trainer_image
# (repository@digest, as the registry stored them).
e2e_images() {
  "$here/images/build" --push "$registry" > "$e2e_state/images.txt" || { log "images/build failed"; exit 1; }
  operator_image=$(grep -m1 "^$registry/orca-dev/orca-operator@" "$e2e_state/images.txt")
  trainer_image=$(grep -m1 "^$registry/orca-dev/orca-trainer-cpu@" "$e2e_state/images.txt")
  [ -n "$operator_image" ] && [ -n "$trainer_image" ] || { log "images/build printed no pushed digests"; cat "$e2e_state/images.txt" >&2; exit 1; }
}

# helm from its own Go module (e2e/tools); $helm.
e2e_helm() { helm=$("$here/e2e/tools" helm); }

# Installs (or upgrades) the chart with the built images by digest, the default namespace allowed to mount the claim
# orca-data (the tenant policy allows no claim until the admin lists it), and waits for the operator pod to be Ready
# through its probes. The GPU image is the CPU one: no CUDA libtorch runs here, and a pod given a GPU by the node still computes on CPU.
e2e_install() {
  e2e_helm
  "$helm" upgrade --install orca "$here/charts/orca-operator" --namespace orca-system --create-namespace \
    --set "image.repository=${operator_image%@*}" --set "image.digest=${operator_image#*@}" \
    --set "trainer.cpuImage=${trainer_image%@*}" --set "trainer.cpuDigest=${trainer_image#*@}" \
    --set "trainer.image=${trainer_image%@*}" --set "trainer.digest=${trainer_image#*@}" \
    --set 'tenantPolicy.namespaces.default.claims={orca-data}' "$@" >/dev/null
  "$kubectl" -n orca-system rollout status deployment/orca-operator --timeout=300s >&2
}

# The operator pod that leads (holds the release's Lease; the others stand by), once one does; empty before.
e2e_operator_leader() {
  "$kubectl" -n orca-system get lease orca-operator -o jsonpath='{.spec.holderIdentity}' 2>/dev/null || true
}

# Waits until an operator pod other than $1 holds the Lease and is Ready; prints it.
e2e_await_new_leader() {
  local old=$1 leader
  for _ in $(seq 240); do
    leader=$(e2e_operator_leader)
    if [ -n "$leader" ] && [ "$leader" != "$old" ] \
       && [ "$("$kubectl" -n orca-system get pod "$leader" -o jsonpath='{.status.containerStatuses[0].ready}' 2>/dev/null)" = true ]; then
      echo "$leader"; return 0
    fi
    sleep 0.5
  done
  return 1
}

# A claim bound to a PersistentVolume on the node: an empty directory under the run's state, owned by the trainer's user
# (a hostPath volume keeps its owner; fsGroup does not apply to it). Prints the directory.
e2e_claim() {
  local namespace=$1 claim=$2 dir=$e2e_state/volumes/$1-$2
  # A new volume for a new cluster: a run directory left by an earlier e2e command would be resumed from.
  rm -rf "$dir"
  mkdir -p "$dir"
  chown 1000:1000 "$dir"
  "$kubectl" get namespace "$namespace" >/dev/null 2>&1 || "$kubectl" create namespace "$namespace" >/dev/null
  "$kubectl" apply -f - >/dev/null <<YAML
apiVersion: v1
kind: PersistentVolume
metadata: { name: $namespace-$claim }
spec:
  capacity: { storage: 20Gi }
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: ""
  claimRef: { namespace: $namespace, name: $claim }
  hostPath: { path: $dir, type: Directory }
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: { name: $claim, namespace: $namespace }
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: ""
  volumeName: $namespace-$claim
  resources: { requests: { storage: 20Gi } }
YAML
  # Bound before any pod names it: a pod the scheduler found with an unbound claim may wait out its back-off (minutes).
  "$kubectl" -n "$namespace" wait --for=jsonpath='{.status.phase}'=Bound "pvc/$claim" --timeout=120s >/dev/null
  echo "$dir"
}

# The node advertises the extended resource nvidia.com/gpu: $1, patched into its status capacity as Kubernetes documents
# for extended resources (no device plugin: the pods given one still compute on the CPU).
e2e_advertise_gpus() {
  local gpus=$1 node
  node=$("$kubectl" get nodes -o jsonpath='{.items[0].metadata.name}')
  "$kubectl" patch node "$node" --subresource=status --type=json \
    -p "[{\"op\": \"add\", \"path\": \"/status/capacity/nvidia.com~1gpu\", \"value\": \"$gpus\"}]" >/dev/null
  for _ in $(seq 30); do
    [ "$("$kubectl" get node "$node" -o jsonpath='{.status.allocatable.nvidia\.com/gpu}')" = "$gpus" ] && return; sleep 1
  done
  log "the node does not advertise $gpus GPUs"; exit 1
}

# A variant of e2e/experiments/listops-tiny.yaml: its name, its resources line, and any extra spec or metadata lines.
e2e_tiny_experiment() {
  local name=$1 resources=$2 labels=${3:-} finetune=${4:-}
  sed -e "s|^  name: listops-tiny|  name: $name${labels:+\n  labels: $labels}|" -e "s|^  resources: .*|  resources: $resources|" \
      ${finetune:+-e "s|^  finetune: { epochs: 1,|  finetune: { epochs: $finetune,|"} "$here/e2e/experiments/listops-tiny.yaml"
}

# The experiment's NetworkPolicy admits egress to the API server's own endpoints only (the kubernetes EndpointSlice),
# not to any address: prints "<policy's API server peers> <endpoints>" and fails when they differ.
# While an experiment runs: its NetworkPolicy (as JSON) and its objects by kind, into $3 (once); a finished experiment
# gives the run-only ones back, so the checks read what was there while it ran.
e2e_save_running_objects() {
  local namespace=$1 name=$2 dir=$3 kind n
  [ -s "$dir/networkpolicy.json" ] && return 0
  mkdir -p "$dir"
  "$kubectl" -n "$namespace" get networkpolicy "$name-trainer" -o json > "$dir/networkpolicy.json.new" 2>/dev/null || return 0
  e2e_count_objects "$namespace" "$name" > "$dir/objects.txt"
  mv "$dir/networkpolicy.json.new" "$dir/networkpolicy.json"
}

# Waits (up to 60 s) until the API server enforces the chart's tenant policy: a ValidatingAdmissionPolicy takes effect
# only once kube-apiserver's informers have seen the policy, its binding and its parameters, seconds after helm returns
# (longer on a loaded machine: CI once admitted the first two hostile cases in that window). Probes with a server-side
# dry run of what the policy must refuse, read from stdin, as the user given in $1 in namespace $2.
e2e_wait_policy_enforced() {
  local user=$1 namespace=$2 probe out
  probe=$(cat)
  for _ in $(seq 60); do
    if ! out=$("$kubectl" --as "$user" -n "$namespace" apply --dry-run=server -f - <<< "$probe" 2>&1) && [[ "$out" == *"rule "* ]]; then
      return 0
    fi
    sleep 1
  done
  echo "e2e: the tenant policy is not enforced 60 s after install: $out" >&2
  return 1
}

# The experiment's objects by kind (label orca.dev/experiment), as "kind=n ..." and a total.
e2e_count_objects() {
  local total=0 out="" kind n
  for kind in jobs serviceaccounts roles rolebindings configmaps networkpolicies; do
    n=$("$kubectl" -n "$1" get "$kind" -l "orca.dev/experiment=$2" -o name 2>/dev/null | wc -l)
    out+="$kind=$n "; total=$((total + n))
  done
  echo "$total ($out)"
}

# The saved NetworkPolicy's peers on the API server's port (an experiment with spec.tracking has one more rule, to its
# tracker) against the kubernetes Service's endpoints.
e2e_policy_matches_endpoints() {
  local peers endpoints port
  port=$("$kubectl" -n default get endpointslice kubernetes -o jsonpath='{.ports[0].port}')
  peers=$(python3 -c 'import json, sys
p = json.load(open(sys.argv[1]))
print(" ".join(t["ipBlock"]["cidr"] for r in p["spec"]["egress"] if any(q.get("port") == int(sys.argv[2]) for q in r.get("ports", []))
               for t in r.get("to", []) if "ipBlock" in t))' "$1" "$port" 2>/dev/null)
  endpoints=$("$kubectl" -n default get endpointslice kubernetes -o jsonpath='{range .endpoints[*]}{.addresses[0]}/32{" "}{end}' | xargs)
  echo "$peers| $endpoints"
  [ -n "$peers" ] && [ "$peers" = "$endpoints" ]
}

# The value at a JSON path of an experiment file, read by the API server (a server-side dry run: defaults applied).
e2e_field() { "$kubectl" apply --dry-run=server -f "$1" -o jsonpath="{$2}"; }

# Samples every second, until killed, each pod of the namespace with the label selector: "<epoch> <pod> <phase> <node>".
e2e_sample_pods() {
  local namespace=$1 selector=$2 out=$3
  while true; do
    "$kubectl" -n "$namespace" get pods -l "$selector" \
      -o jsonpath='{range .items[*]}{.metadata.name} {.status.phase} {.spec.nodeName}{"\n"}{end}' 2>/dev/null |
      sed "s/^/$(date +%s) /" >> "$out"
    sleep 1
  done
}

# The most pods whose names match the regular expression $2 that one sample of $1 saw Running at once.
e2e_most_running() {
  awk -v pattern="^($2)\$" '$3 == "Running" && $2 ~ pattern { n[$1]++ } END { m = 0; for (t in n) if (n[t] > m) m = n[t]; print m }' "$1"
}

# The container's main process on the node, for a pod's first container (killing it is what a crash looks like).
e2e_container_pid() {
  local id
  id=$("$kubectl" -n "$1" get pod "$2" -o jsonpath='{.status.containerStatuses[0].containerID}')
  "$here/e2e/node" crictl inspect --output go-template --template '{{.info.pid}}' "${id#containerd://}"
}

# How each pod matching selector $2 in namespace $1 ended, when one did not succeed: its phase, the kubelet's reason and
# message (an eviction says which resource ran short), a disruption condition, its container's exit, and the end of
# the newest failed pod's log. A run that never finishes is explained here, not by its watch line alone.
e2e_pod_ends() {
  local ended newest
  ended=$("$kubectl" -n "$1" get pods -l "$2" --sort-by=.metadata.creationTimestamp -o jsonpath='{range .items[?(@.status.phase=="Failed")]}{.metadata.name}{"\t"}{.status.reason}{"\t"}{.status.message}{"\t"}{range .status.conditions[?(@.type=="DisruptionTarget")]}{.reason}{end}{"\t"}{range .status.containerStatuses[*]}{.state.terminated.reason} exit {.state.terminated.exitCode}{end}{"\n"}{end}' 2>/dev/null || true)
  [ -n "$ended" ] || return 0
  echo; echo "pods that failed ($(echo "$ended" | wc -l)): name, reason, message, disruption, container"
  echo "$ended" | sed 's/^/  /'
  newest=$(echo "$ended" | tail -1 | cut -f1)
  echo "the end of $newest's log:"
  "$kubectl" -n "$1" logs "$newest" --tail=20 2>&1 | sed 's/^/  /' || true
}
