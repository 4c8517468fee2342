#!/usr/bin/env bash
# Renders the chart's defaults into manifests/install/orca-operator.yaml (for kubectl apply -k and GitOps).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
helm=${ORCA_TOOLS_DIR:-$HOME/.cache/orca/tools}/helm
[ -x "$helm" ] || "$here/check.sh" >/dev/null 2>&1 || true
{
  echo "# Rendered from charts/orca-operator with default values (manifests/render-install.sh); do not edit."
  "$helm" template orca "$here/../charts/orca-operator" --namespace orca-system --include-crds
} > "$here/install/orca-operator.yaml"
