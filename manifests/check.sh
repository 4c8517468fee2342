#!/usr/bin/env bash
# The chart and every manifest, checked the way a cluster and Argo CD would read them:
#   helm lint --strict (default values and a namespaced install), helm template, the committed install YAML
#   equal to the chart's rendering, kustomize builds of every suite, every rendered object against the
#   Kubernetes schemas, and a deliberately broken object refused. OrcaExperiments are validated against the
#   CRD on the Java side (crds: ManifestExperimentsTest). Helm is built from its Go module and kubectl with the e2e
#   control plane (e2e/tools); the schema validator comes from npm (kubernetes-models).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
out=${1:-$here/target}
mkdir -p "$out"
command -v npm >/dev/null || { echo "manifests/check.sh: npm is needed (apt-get install npm, or run .ci/run)" >&2; exit 1; }

if [ ! -d "$here/validate/node_modules/kubernetes-models" ]; then
  (cd "$here/validate" && npm install --silent --no-audit --no-fund --no-package-lock >/dev/null 2>&1)
fi
helm=$("$root/e2e/tools" helm)
kubectl=$("$root/e2e/tools" kubectl)
chart="$root/charts/orca-operator"

"$helm" lint --strict "$chart"
"$helm" lint --strict "$chart" --set 'watchNamespaces={team-a,team-b}' --set metrics.serviceMonitor.enabled=true
"$helm" template orca "$chart" --namespace orca-system --include-crds > "$out/chart.yaml"
"$helm" template orca "$chart" --namespace orca-system --set 'watchNamespaces={team-a,team-b}' \
  --set metrics.serviceMonitor.enabled=true > "$out/chart-namespaced.yaml"

# The plain-YAML install is the chart's default rendering, committed; it must not drift from the chart.
if ! diff -u <(tail -n +2 "$here/install/orca-operator.yaml") "$out/chart.yaml" > "$out/install.diff"; then
  echo "manifests/install/orca-operator.yaml differs from the chart's rendering ($out/install.diff); regenerate with:" >&2
  echo "  manifests/render-install.sh" >&2
  exit 1
fi

for k in install samples benchmarks/paper benchmarks/offline; do
  "$kubectl" kustomize "$here/$k" > "$out/kustomize-${k//\//-}.yaml"
done

node "$here/validate/validate.mjs" "$out"/chart*.yaml "$out"/kustomize-*.yaml

# Not vacuous: a Deployment without a selector and with a numeric container name must be refused.
if node "$here/validate/validate.mjs" "$here/validate/broken-deployment.yaml" > "$out/broken.log" 2>&1; then
  echo "the validator accepted validate/broken-deployment.yaml" >&2
  exit 1
fi
if [ -d "$root/operator/target/quarkus-app" ] && [ -d "$root/trainer/target/lib" ]; then
  "$root/images/check-copies.sh"
else
  echo "images: build outputs absent (run from mvn verify at the root to check the Dockerfiles' COPY sources)"
fi
echo "manifests: helm lint, template, install drift, kustomize and schema validation passed"
