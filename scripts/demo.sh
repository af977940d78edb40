#!/usr/bin/env bash
# The main job on a fresh machine, as root: install, build, start berthd, and run a web server
# in a container through berthctl, reached on a published port.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
bash scripts/install-deps.sh
mvn -B -q -ntp -DskipTests package

work=$(mktemp -d /tmp/berth-demo.XXXXXX)
bin/berthd --root "$work/root" --state "$work/run" 2>"$work/berthd.log" &
daemon=$!
export BERTH_ADDRESS="$work/run/berth.sock"
stop() {
  bin/berthctl rm -f web >/dev/null 2>&1 || true
  kill "$daemon" 2>/dev/null || true
  wait "$daemon" 2>/dev/null || true
  # the default network's bridge outlives berthd, as docker0 does; this root goes, so does it
  ip link del berth0 2>/dev/null || true
  rm -rf "$work"
}
trap stop EXIT
for _ in $(seq 300); do [ -S "$BERTH_ADDRESS" ] && break; sleep 0.1; done

set -x
bin/berthctl version
# the test image: Debian's busybox-static as a docker archive, built locally (no registry)
java -cp "bench/target/berth-bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*" dev.berth.bench.WriteTestImage "$work/busybox.tar"
bin/berthctl load -i "$work/busybox.tar"
bin/berthctl images
bin/berthctl run -d --name web -p 8080:80 busybox \
  sh -c 'mkdir -p /www && echo "hello from a Berth container" > /www/index.html && exec httpd -f -p 80 -h /www'
for _ in $(seq 50); do curl -fsS http://127.0.0.1:8080/ && break; sleep 0.1; done
bin/berthctl ps
bin/berthctl logs web
bin/berthctl rm -f web
bin/berthctl ps -a
