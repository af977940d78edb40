#!/usr/bin/env bash
# The kubelet's view of a pod's life: RunPodSandbox, CreateContainer, StartContainer,
# StopContainer, RemoveContainer, StopPodSandbox, RemovePodSandbox through the CRI, on berthd's
# cri.sock and on a private containerd with its CRI plugin (its own root, state and socket, a
# CNI bridge of its own, the same busybox image and a busybox pause image), taken in turns.
# Prints medians per call, the ratios and the load average.
#   bench/cri.sh [ROUNDS]   (default 20)
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/peers.sh"
rounds=${1:-20}
image=docker.io/library/busybox:latest
pause=registry.k8s.io/pause:3.6
cri_dir="$bench_work/containerd-cri"
cri_sock="$cri_dir/containerd.sock"
cri_bridge="bbcri$$"
cri_bridge=${cri_bridge:0:15}
cri_pid=""
[ -x /usr/lib/cni/bridge ] || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  containernetworking-plugins >/dev/null
cri_ctr() { command ctr -a "$cri_sock" -n k8s.io "$@"; }

cri_peer_start() {
  mkdir -p "$cri_dir/net.d" "$cri_dir/ipam"
  # the CNI bridge plugin's masquerading makes an `ip nat` table through iptables and leaves it
  nft list table ip nat >/dev/null 2>&1 || cri_made_nat=1
  # this machine lacks CAP_SYS_RESOURCE: runc cannot lower a pod's oom_score_adj, so it is not asked to
  containerd_private_config "$cri_dir" "$cri_sock" \
    | sed -e "s#restrict_oom_score_adj = false#restrict_oom_score_adj = true#" \
          -e "s#sandbox_image = .*#sandbox_image = \"$pause\"#" \
          -e "s#bin_dir = \"/opt/cni/bin\"#bin_dir = \"/usr/lib/cni\"#" \
          -e "s#conf_dir = \"/etc/cni/net.d\"#conf_dir = \"$cri_dir/net.d\"#" \
    > "$cri_dir/config.toml"
  cat > "$cri_dir/net.d/10-bench.conflist" <<EOF
{"cniVersion": "1.0.0", "name": "bench-cri", "plugins": [
  {"type": "bridge", "bridge": "$cri_bridge", "isGateway": true, "ipMasq": true,
   "ipam": {"type": "host-local", "dataDir": "$cri_dir/ipam", "ranges": [[{"subnet": "10.233.77.0/24"}]],
            "routes": [{"dst": "0.0.0.0/0"}]}},
  {"type": "loopback"}]}
EOF
  containerd_launch "$cri_dir" "$cri_sock" || return 1
  cri_pid=$containerd_launched
}

cri_peer_stop() {
  [ -n "$cri_pid" ] || return 0
  containerd_teardown "$cri_dir" "$cri_sock" "$cri_pid" k8s.io
  cri_pid=""
  grep -o " /run/netns/cni-[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  ip link del "$cri_bridge" 2>/dev/null || true
  [ -n "${cri_made_nat:-}" ] && nft delete table ip nat 2>/dev/null || true
}
trap 'cri_peer_stop; peers_cleanup' EXIT

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
cri_peer_start
bench_java dev.berth.bench.WriteTestImage "$bench_work/busybox.tar"
bench_java dev.berth.bench.WriteTestImage "$bench_work/pause.tar" "$pause" sleep 2147483647
for c in "command ctr -a $sock -n k8s.io" cri_ctr; do
  $c images import "$bench_work/busybox.tar" >/dev/null
  $c images import "$bench_work/pause.tar" >/dev/null
done
bench_java dev.berth.bench.CriBench "$rounds" "$image" "$bench_work/pod-logs" \
  berthd="$bench_state/cri.sock" containerd="$cri_sock"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
