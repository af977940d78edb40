# Shared by the bench scripts: build if needed, start a berthd of its own in temporary
# directories (its networking in a network namespace of its own), stop and clean up on exit.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"
if ! ls services/daemon/target/berth-daemon-*-all.jar >/dev/null 2>&1 || ! ls ctl/target/berth-ctl-*-all.jar >/dev/null 2>&1 || [ ! -d bench/target/lib ]; then
  mvn -B -q -ntp -DskipTests package
fi

bench_work=$(mktemp -d /var/tmp/berth-bench.XXXXXX)
bench_state=$(mktemp -d /tmp/bb.XXXXXX)
bench_netns="berth-bench-$$"
ip netns add "$bench_netns"
bench_cleanup() {
  # containers go while berthd still answers, so it can tear their tasks down
  local bctr="command ctr --connect-timeout 1s -a $bench_state/berth.sock -n bench"
  for id in $($bctr task ls -q 2>/dev/null); do $bctr task kill -s SIGKILL "$id" >/dev/null 2>&1 || true; done
  sleep 0.5
  for id in $($bctr task ls -q 2>/dev/null); do $bctr task rm -f "$id" >/dev/null 2>&1 || true; done
  for id in $($bctr containers ls -q 2>/dev/null); do $bctr containers rm "$id" >/dev/null 2>&1 || true; done
  kill "$bench_daemon" 2>/dev/null || true
  wait "$bench_daemon" 2>/dev/null || true
  ip netns del "$bench_netns" 2>/dev/null || true
  # the runtime's parent cgroup of the bench namespace's containers, empty by now
  rmdir /sys/fs/cgroup/*/bench /sys/fs/cgroup/bench 2>/dev/null || true
  grep -o " $bench_work[^ ]*\| $bench_state[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  rm -rf "$bench_work" "$bench_state"
}
sock="$bench_state/berth.sock"
# Starts berthd and returns once its front socket answers (also after a kill: the socket file
# of the killed daemon may still be there).
berthd_start() {
  bin/berthd --root "$bench_work/root" --state "$bench_state" --network-namespace "/run/netns/$bench_netns" \
    2>>"$bench_work/berthd.log" &
  bench_daemon=$!
  for _ in $(seq 600); do
    command ctr --connect-timeout 100ms -a "$sock" version >/dev/null 2>&1 && return 0
    kill -0 "$bench_daemon" 2>/dev/null || break
    sleep 0.02
  done
  cat "$bench_work/berthd.log" >&2; echo "berthd did not start" >&2; exit 1
}
bench_daemon=""
trap bench_cleanup EXIT
bench_java() {
  java -cp "bench/target/berth-bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*" "$@"
}

# berthd's class-data archive is recorded at its first start after a build (every class that
# start loads while it runs) and made during the second; the figures are of a berthd that has it,
# as a user's has from its third start on. The recording start serves what a user's first
# session would, in a root of its own: an image import and containers run and removed. Killed as
# soon as it answered, it left ~530 classes out that every later start loads at its first calls
# (protobuf's messages, JSON binding), and a restart with 65 containers took ~250 ms longer.
daemon_jar=$(ls services/daemon/target/berth-daemon-*-all.jar | head -n 1)
archive_ready() { local a; a=$(ls services/daemon/target/berthd-*.jsa 2>/dev/null | head -n 1); [ -n "$a" ] && [ "$a" -nt "$daemon_jar" ] && [ "$a" -nt bin/berthd ]; }
archive_prepare() {
  local root=$bench_work/first-session state=$bench_work/first-session-state
  local c="command ctr -a $state/berth.sock -n first-session"
  bench_java dev.berth.bench.WriteTestImage "$bench_work/first-session.tar"
  for session in 1 2; do
    bin/berthd --root "$root" --state "$state" --network-namespace "/run/netns/$bench_netns" 2>>"$bench_work/berthd.log" &
    bench_daemon=$!
    for _ in $(seq 600); do command ctr --connect-timeout 100ms -a "$state/berth.sock" version >/dev/null 2>&1 && break; sleep 0.02; done
    if [ "$session" = 1 ]; then
      $c images import "$bench_work/first-session.tar" >/dev/null
      $c run --rm docker.io/library/busybox:latest first-1 true
      $c run -d docker.io/library/busybox:latest first-2 sleep 60 >/dev/null
      $c task rm -f first-2 >/dev/null 2>&1
      $c containers rm first-2
    fi
    kill "$bench_daemon"; wait "$bench_daemon" 2>/dev/null || true
  done
  for _ in $(seq 600); do archive_ready && break; sleep 0.1; done
  grep -o " $root[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  rmdir /sys/fs/cgroup/*/first-session /sys/fs/cgroup/first-session 2>/dev/null || true
  rm -rf "$root" "$state" "$bench_work/first-session.tar"
}
archive_ready || archive_prepare
berthd_start

# berthctl's start-up caches (in CHECKOUT), trained in the background after a run without one
# against the berthd at SOCKET: made anew, and waited for, as a user's later runs would have them.
# With JDK 25 there are several (see bin/berthctl), else one.
berthctl_caches() { # berthctl_caches CHECKOUT SOCKET
  local t="$1/ctl/target"
  rm -f "$t"/berthctl-*.aot "$t"/berthctl-*.jsa
  local c
  # one run of each kind of cache: the small one, the full one, and those of version, ps and the
  # root's help, which learn from the command line as given (ps from the containers berthd has)
  for c in "stop --help" "run --help" version ps --help; do
    # shellcheck disable=SC2086 # the command's words
    "$1/bin/berthctl" --address "$2" --namespace bench $c >/dev/null 2>&1 || true
  done
  for _ in $(seq 240); do
    # until no training is left, in either of its steps (both name the configuration file); a build
    # from before the per-command caches makes only the first two
    { compgen -G "$t/berthctl-*-light.aot" && compgen -G "$t/berthctl-*-full.aot" \
      && ! pgrep -f "AOTConfiguration=$t/berthctl-"; } >/dev/null && return
    # a build from before the split, or a JDK without the ahead-of-time cache
    compgen -G "$t/berthctl-*[0-9].aot" >/dev/null && return
    compgen -G "$t/berthctl-*.jsa" >/dev/null && ! pgrep -f dev.berth.ctl.AotTraining >/dev/null && return
    sleep 0.5
  done
}
