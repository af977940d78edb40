#!/usr/bin/env bash
# The main job on a fresh machine: install, build, start berthd, and use it through berthctl.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
bash scripts/install-deps.sh
mvn -B -q -ntp -DskipTests package

work=$(mktemp -d /tmp/berth-demo.XXXXXX)
root="$work/root" state="$work/run"
bin/berthd --root "$root" --state "$state" 2>"$work/berthd.log" &
daemon=$!
trap 'kill $daemon 2>/dev/null; wait $daemon 2>/dev/null; rm -rf "$work"' EXIT
export BERTH_ADDRESS="$state/berth.sock"
for _ in $(seq 100); do [ -S "$BERTH_ADDRESS" ] && break; sleep 0.1; done

set -x
bin/berthctl version
head -c 32M /dev/urandom > "$work/blob"
digest=$(bin/berthctl content ingest demo-blob "$work/blob")
bin/berthctl content ls
bin/berthctl content get "$digest" -o "$work/blob.out"
cmp "$work/blob" "$work/blob.out" && echo "round trip identical: $digest"
bin/berthctl namespace ls
