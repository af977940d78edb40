# Peers measured in the same run as Berth, each with state of its own under $bench_work:
# a private containerd (Debian's package; its own root, state, socket; CRI plugin disabled; never
# the system's daemon) and podman (its own --root/--runroot). Source after lib.sh.
#   peer_containerd_start / peer_containerd_stop, ctd ARGS (ctr against it), pod ARGS (podman)

install_peers() {
  local missing=()
  command -v containerd >/dev/null || missing+=(containerd)
  command -v podman >/dev/null || missing+=(podman containernetworking-plugins iptables)
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "installing benchmark peers: ${missing[*]}" >&2
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  rm -f /usr/sbin/policy-rc.d
}
install_peers

ctd_dir="$bench_work/containerd"
ctd_sock="$ctd_dir/containerd.sock"
ctd_pid=""
ctd() { command ctr -a "$ctd_sock" -n bench "$@"; }

# Prints containerd's default configuration with its root, state and sockets under DIR (SOCK: the
# API's socket) and no debug socket; callers add their own edits.
containerd_private_config() {
  local dir=$1 sock=$2
  containerd config default \
    | sed -e "s#^root = .*#root = \"$dir/root\"#" \
          -e "s#^state = .*#state = \"$dir/state\"#" \
          -e "/^\[grpc\]/,/^\[/ s#^  address = .*#  address = \"$sock\"#" \
          -e "/^\[ttrpc\]/,/^\[/ s#^  address = .*#  address = \"$dir/ttrpc.sock\"#" \
          -e "/^\[debug\]/,/^\[/ s#^  address = .*#  address = \"\"#"
}

# Starts containerd on DIR/config.toml in the background, its pid in $containerd_launched, and
# returns once SOCK answers.
containerd_launch() {
  local dir=$1 sock=$2
  mkdir -p "$dir/root" "$dir/state"
  # the runc shim keeps its sockets under /run/containerd whatever the state directory is
  [ -e /run/containerd ] || ctd_made_run=1
  containerd --config "$dir/config.toml" >>"$dir/containerd.log" 2>&1 &
  containerd_launched=$!
  for _ in $(seq 200); do command ctr --connect-timeout 100ms -a "$sock" version >/dev/null 2>&1 && return 0; sleep 0.05; done
  cat "$dir/containerd.log" >&2; echo "private containerd did not start" >&2; return 1
}

peer_containerd_start() {
  mkdir -p "$ctd_dir"
  if [ ! -f "$ctd_dir/config.toml" ]; then
    containerd_private_config "$ctd_dir" "$ctd_sock" \
      | sed -e "s#^disabled_plugins = .*#disabled_plugins = [\"io.containerd.grpc.v1.cri\"]#" \
      > "$ctd_dir/config.toml"
  fi
  containerd_launch "$ctd_dir" "$ctd_sock" || return 1
  ctd_pid=$containerd_launched
}

# Takes down what a private containerd (DIR, SOCK, PID) runs in NAMESPACE, stops it and unmounts
# what it left under DIR.
containerd_teardown() {
  local dir=$1 sock=$2 pid=$3 ns=$4 id
  local c=(command ctr -a "$sock" -n "$ns")
  for id in $("${c[@]}" task ls -q 2>/dev/null); do "${c[@]}" task kill -s SIGKILL "$id" >/dev/null 2>&1 || true; done
  sleep 0.5
  for id in $("${c[@]}" task ls -q 2>/dev/null); do "${c[@]}" task rm -f "$id" >/dev/null 2>&1 || true; done
  for id in $("${c[@]}" containers ls -q 2>/dev/null); do "${c[@]}" containers rm "$id" >/dev/null 2>&1 || true; done
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  grep -o " $dir[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  [ -n "${ctd_made_run:-}" ] && rm -rf /run/containerd 2>/dev/null || true
}

peer_containerd_stop() {
  [ -n "$ctd_pid" ] || return 0
  containerd_teardown "$ctd_dir" "$ctd_sock" "$ctd_pid" bench
  ctd_pid=""
}

pod_dir="$bench_work/podman"
mkdir -p "$pod_dir"
# runc cannot raise rlimits here (no CAP_SYS_RESOURCE) and podman's defaults ask for more
cat > "$pod_dir/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=$(ulimit -Hn):$(ulimit -Hn)", "nproc=32768:32768"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
runtime = "runc"
EOF
# podman's default network (its bridge and NAT rules) lives in the benchmark's network namespace
# (nsenter, not ip netns exec, which would remount /sys and hide the cgroup mounts from runc)
pod() {
  CONTAINERS_CONF="$pod_dir/containers.conf" nsenter --net="/run/netns/$bench_netns" \
    podman --root "$pod_dir/root" --runroot "$pod_dir/run" --tmpdir "$pod_dir/tmp" "$@"
}

peers_cleanup() {
  peer_containerd_stop
  pod rm -af >/dev/null 2>&1 || true
  grep -o " $pod_dir[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  rmdir /sys/fs/cgroup/*/libpod_parent /sys/fs/cgroup/libpod_parent 2>/dev/null || true
  bench_cleanup
}
trap peers_cleanup EXIT
