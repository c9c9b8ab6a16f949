#!/bin/bash
# demo.sh - watch Pacemaker bring a killed virtual machine back.
#
# A narrated demo on real components: a one-node Pacemaker + Corosync
# cluster (heartbeat-tests/cluster/cluster, in its own namespaces), a real
# libvirtd inside that node, and a tiny QEMU TCG guest managed by the
# VirtualDomain resource agent. The demo kills the guest's QEMU process by
# PID and prints, with timestamps, how Pacemaker notices (the monitor fails)
# and recovers it (stop + start), ending with `crm_mon -1`. It cleans up after
# itself, and cleans up leftovers of an interrupted earlier run first.
#
# Usage (as root):  demo/demo.sh [--agents DIR] [--provider lifeboat|heartbeat] [--keep]
# (the options override the variables below)
# Environment:
#   LB_DEMO_PROVIDER  OCF provider of VirtualDomain: lifeboat (default) or
#                     heartbeat (the shell agent from resource-agents)
#   LB_OCF_DIR        directory with the lifeboat OCF agents (default: build/agents
#                     from scripts/build.sh if built, else agents/); it appears
#                     as ocf:lifeboat inside the node
#   LB_DEMO_INTERVAL  monitor interval (default 5s)
#   LB_DEMO_KEEP=1    leave the cluster running at the end
#                     (then: heartbeat-tests/cluster/cluster --instance demo down)
set -euo pipefail

while [ $# -gt 0 ]; do
	case $1 in
	--agents) LB_OCF_DIR=$2; shift 2 ;;
	--provider) LB_DEMO_PROVIDER=$2; shift 2 ;;
	--keep) LB_DEMO_KEEP=1; shift ;;
	-h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "demo.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
	esac
done

ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
CLUSTER=$ROOT/heartbeat-tests/cluster/cluster
LIBVIRTD_SH=${LBT_LIBVIRTD_SH:-$ROOT/heartbeat-tests/lib/libvirtd.sh}
GUEST_SH=${LB_DEMO_GUEST_SH:-$ROOT/heartbeat-tests/lib/guest.sh}
PROVIDER=${LB_DEMO_PROVIDER:-lifeboat}
AGENTS=${LB_OCF_DIR:-}
if [ -z "$AGENTS" ]; then # scripts/build.sh builds in build/; an in-tree build in agents/
	AGENTS=$ROOT/agents
	[ ! -x "$ROOT/build/agents/VirtualDomain" ] || AGENTS=$ROOT/build/agents
fi
INTERVAL=${LB_DEMO_INTERVAL:-5s}
export LBT_INSTANCE=demo
export LBT_STATE_DIR=/var/tmp/lbt/demo
export LBT_LIBVIRTD_SH=$LIBVIRTD_SH
NODE=node1
VM=vm1
URI=qemu+tcp://127.0.0.1/system

T0=$(date +%s%3N)
if [ -t 1 ]; then B=$'\e[1m' D=$'\e[2m' R=$'\e[0m'; else B="" D="" R=""; fi
say() {
	local now
	now=$(date +%s%3N)
	printf '%s[%s +%3d.%03ds]%s %s\n' "$D" "$(date '+%H:%M:%S.%3N')" \
		$(((now - T0) / 1000)) $(((now - T0) % 1000)) "$R" "$*"
}
step() { echo; say "${B}$*${R}"; }
show() { sed 's/^/      | /'; }
die() { say "DEMO FAILED: $*" >&2; exit 1; }
node() { "$CLUSTER" exec "$NODE" "$@"; }

# --- preflight --------------------------------------------------------------
[ "$(id -u)" = 0 ] || die "run as root"
[ -x "$CLUSTER" ] || die "$CLUSTER is missing"
[ -x "$LIBVIRTD_SH" ] || die "$LIBVIRTD_SH is missing (the libvirt helper provides it)"
[ -x "$GUEST_SH" ] || die "$GUEST_SH is missing (the libvirt helper provides it)"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 is not installed"
case $PROVIDER in
lifeboat)
	[ -x "$AGENTS/VirtualDomain" ] ||
		die "$AGENTS/VirtualDomain not found: build lifeboat first, set LB_OCF_DIR, or use LB_DEMO_PROVIDER=heartbeat"
	;;
heartbeat)
	[ -x /usr/lib/ocf/resource.d/heartbeat/VirtualDomain ] ||
		die "ocf:heartbeat:VirtualDomain is not installed (package resource-agents)"
	;;
*) die "LB_DEMO_PROVIDER must be lifeboat or heartbeat" ;;
esac

cleanup() {
	local rc=$?
	if [ "${LB_DEMO_KEEP:-0}" = 1 ] && [ "$rc" = 0 ]; then
		step "Leaving the cluster running (LB_DEMO_KEEP=1). Stop it with: $CLUSTER --instance demo down"
		return
	fi
	echo
	say "cleaning up: every process of the demo node (pacemaker, corosync, libvirtd, qemu) ends with it"
	"$CLUSTER" down >/dev/null 2>&1 || say "cleanup failed; run: $CLUSTER --instance demo down"
}
"$CLUSTER" down >/dev/null 2>&1 || true
trap cleanup EXIT
trap 'exit 130' INT TERM

step "Starting a one-node Pacemaker cluster with a real libvirtd inside it"
say "the node '$NODE' is a set of namespaces with its own network, /run and Pacemaker state;"
if [ "$PROVIDER" = lifeboat ]; then
	say "ocf:lifeboat:VirtualDomain is $AGENTS/VirtualDomain, overlaid into the node"
else
	say "using the shell agent ocf:heartbeat:VirtualDomain from resource-agents"
fi
"$CLUSTER" up --nodes 1 --libvirtd --agents "$AGENTS" 2>&1 | sed 's/^[0-9:.]* cluster: //' | show ||
	die "cluster up failed"
node crm_mon -1 | sed -n '/Node List/,/^$/p' | show
node virsh -c "$URI" version 2>/dev/null | show

step "Defining a tiny diskless QEMU guest (TCG, 64 MiB) for libvirt"
mkdir -p "$LBT_STATE_DIR/demo"
CONFIG=$LBT_STATE_DIR/demo/$VM.xml
"$GUEST_SH" "$VM" 64 >"$CONFIG"
say "domain XML: $CONFIG"

step "Creating the cluster resource with pcs"
CMD=(pcs resource create "$VM" "ocf:$PROVIDER:VirtualDomain" "config=$CONFIG" "hypervisor=$URI"
	op monitor "interval=$INTERVAL" timeout=30s)
say "# ${CMD[*]}"
node "${CMD[@]}" 2>&1 | show

# "Started NODE" / "Stopped" / "FAILED NODE" ... as crm_mon shows it
rsc_state() {
	node crm_mon -1 2>/dev/null | awk -v r="$VM" '$2 == r && !done { sub(/^.*\):[ \t]*/, ""); print; done = 1 }'
}
qemu_pid() {
	"$LIBVIRTD_SH" qemupids "$LBT_STATE_DIR/nodes/$NODE/libvirt" 1 2>/dev/null | sed -n 1p
}
failcount() {
	node crm_failcount --query -r "$VM" -N "$NODE" 2>/dev/null | sed -n 's/.*value=\([0-9A-Za-z]*\).*/\1/p'
}

deadline=$(($(date +%s) + 90))
until [ "$(rsc_state)" = "Started $NODE" ] && [ -n "$(qemu_pid)" ]; do
	[ "$(date +%s)" -lt "$deadline" ] || { node crm_mon -1 | show; die "$VM did not start"; }
	sleep 0.25
done
PID=$(qemu_pid)
say "$VM is Started on $NODE; its QEMU process is PID $PID"
node virsh -c "$URI" list 2>/dev/null | show

step "Killing the guest's QEMU process (kill -9 $PID), as if it had crashed"
kill -KILL "$PID"
TK=$(date +%s%3N)
say "QEMU PID $PID is gone; Pacemaker's next monitor (every $INTERVAL) should notice"

step "Watching Pacemaker recover it"
last_state="Started $NODE" last_fc=$(failcount) seen_fail=0 new_pid=""
deadline=$(($(date +%s) + 120))
while :; do
	[ "$(date +%s)" -lt "$deadline" ] || { node crm_mon -1 | show; die "no recovery within 120 s"; }
	st=$(rsc_state)
	fc=$(failcount)
	if [ "$fc" != "$last_fc" ] && [ -n "$fc" ]; then
		say "monitor failed: fail-count of $VM on $NODE is now $fc ($(($(date +%s%3N) - TK)) ms after the kill)"
		node crm_mon -1 2>/dev/null | sed -n '/Failed Resource Actions/,$p' | grep -v '^$' | show
		last_fc=$fc seen_fail=1
	fi
	if [ "$st" != "$last_state" ]; then
		say "crm_mon: $VM is ${st:-not listed}"
		last_state=$st
	fi
	p=$(qemu_pid)
	if [ -n "$p" ] && [ "$p" != "$PID" ] && [ -z "$new_pid" ]; then
		new_pid=$p
		say "a new QEMU process is running: PID $new_pid"
	fi
	if [ "$seen_fail" = 1 ] && [ "$st" = "Started $NODE" ] && [ -n "$new_pid" ]; then
		break
	fi
	sleep 0.25
done
say "${B}$VM recovered: running again $(($(date +%s%3N) - TK)) ms after its QEMU was killed${R}"
node virsh -c "$URI" list 2>/dev/null | show

step "What Pacemaker logged on $NODE since the kill"
# controld/schedulerd notices about the resource, without the "| details" tails
awk -v since="$(date -d "@$((TK / 1000)).$(printf '%03d' $((TK % 1000)))" '+%H:%M:%S.%3N')" -v r="$VM" '
	$3 >= since && /notice:/ &&
	($0 ~ ("Result of [a-z]+ operation for " r " ") || $0 ~ ("Initiating [a-z]+ operation " r "_") ||
	 $0 ~ ("Actions: [A-Za-z]+ +" r " ")) {
		msg = $0; sub(/^.*notice: /, "", msg); sub(/ \| .*$/, "", msg); gsub(/  +/, " ", msg)
		if (msg != last) print $3 "  " msg
		last = msg
	}' "$LBT_STATE_DIR/nodes/$NODE/log-pacemaker/pacemaker.log" | show

step "Final cluster status (crm_mon -1)"
node crm_mon -1 | show
