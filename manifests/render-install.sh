#!/usr/bin/env bash
# Renders the chart's defaults into manifests/install/orca-operator.yaml (for kubectl apply -k and GitOps).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
helm=$("$here/../e2e/tools" helm)
{
  echo "# Rendered from charts/orca-operator with default values (manifests/render-install.sh); do not edit."
  "$helm" template orca "$here/../charts/orca-operator" --namespace orca-system --include-crds
} > "$here/install/orca-operator.yaml"
