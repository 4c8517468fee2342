#!/usr/bin/env bash
# No Docker engine here, so images are not built in CI; this checks that everything the Dockerfiles COPY from the
# build context exists after `mvn package` (run from manifests/check.sh in the verify phase).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
missing=0
for dockerfile in "$root"/images/*.Dockerfile; do
  while read -r src; do
    if ! compgen -G "$root/$src" > /dev/null; then
      echo "$(basename "$dockerfile"): COPY source $src does not exist" >&2
      missing=1
    fi
  done < <(grep -E '^COPY ' "$dockerfile" | grep -v -- '--from' | sed -E 's/^COPY (--[a-z]+=[^ ]+ )*//' | awk '{print $1}')
done
[ "$missing" = 0 ] && echo "images: every COPY source exists"
exit "$missing"
