# Shared by the bench scripts: build if needed, start a berthd of its own in temporary
# directories (its networking in a network namespace of its own), stop and clean up on exit.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"
if [ ! -d services/daemon/target/lib ] || [ ! -d ctl/target/lib ] || [ ! -d bench/target/lib ]; then
  mvn -B -q -ntp -DskipTests package
fi

bench_work=$(mktemp -d /var/tmp/berth-bench.XXXXXX)
bench_state=$(mktemp -d /tmp/bb.XXXXXX)
bench_netns="berth-bench-$$"
ip netns add "$bench_netns"
bin/berthd --root "$bench_work/root" --state "$bench_state" --network-namespace "/run/netns/$bench_netns" \
  2>"$bench_work/berthd.log" &
bench_daemon=$!
bench_cleanup() {
  kill "$bench_daemon" 2>/dev/null || true
  wait "$bench_daemon" 2>/dev/null || true
  for id in $(ctr -a "$bench_state/berth.sock" -n bench task ls -q 2>/dev/null); do
    ctr -a "$bench_state/berth.sock" -n bench task kill -s SIGKILL "$id" 2>/dev/null || true
  done
  ip netns del "$bench_netns" 2>/dev/null || true
  # the runtime's parent cgroup of the bench namespace's containers, empty by now
  rmdir /sys/fs/cgroup/*/bench /sys/fs/cgroup/bench 2>/dev/null || true
  grep -o " $bench_work[^ ]*\| $bench_state[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  rm -rf "$bench_work" "$bench_state"
}
trap bench_cleanup EXIT
sock="$bench_state/berth.sock"
for _ in $(seq 300); do [ -S "$sock" ] && break; sleep 0.1; done
[ -S "$sock" ] || { cat "$bench_work/berthd.log" >&2; echo "berthd did not start" >&2; exit 1; }

bench_java() {
  java -cp "bench/target/berth-bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*" "$@"
}
