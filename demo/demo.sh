#!/bin/bash
# demo.sh - watch Pacemaker live-migrate a virtual machine, then bring it back
# after its host dies.
#
# A narrated demo on real components: a 3-node Pacemaker + Corosync cluster
# plus a pacemaker_remote node (heartbeat-tests/cluster/cluster, every node in
# its own namespaces on this machine), a real libvirtd inside each full node,
# and a tiny QEMU TCG guest managed by the VirtualDomain resource agent. With
# timestamps, the demo
#   1. creates the VM with pcs (allow-migrate) and shows it Started;
#   2. live-migrates it with `pcs resource move` (migrate_to + migrate_from:
#      the same guest, shown by its UUID and a marker in its CMOS NVRAM);
#   3. kills the guest's QEMU process (Pacemaker restarts it in place);
#   4. powers off the node the VM runs on: the cluster fences that node
#      (fence_lbtest, the test "power switch") and starts the VM on another
#      node; the fenced node reboots and rejoins;
# and ends with `crm_mon -1`. It cleans up after itself (every process,
# namespace and mount of the cluster goes), and cleans up leftovers of an
# interrupted earlier run first. About 1.5 minutes on 2 cores.
#
# Usage (as root):  demo/demo.sh [--agents DIR] [--provider lifeboat|heartbeat] [--keep]
# (the options override the variables below)
# Environment:
#   LB_DEMO_PROVIDER  OCF provider of VirtualDomain: lifeboat (default) or
#                     heartbeat (the shell agent from resource-agents)
#   LB_OCF_DIR        directory with the lifeboat OCF agents (default: build/agents
#                     from scripts/build.sh if built, else agents/); it appears
#                     as ocf:lifeboat inside the nodes
#   LB_DEMO_INTERVAL  monitor interval (default 5s)
#   LB_DEMO_QEMU_KILL=0  skip step 3 (the QEMU kill)
#   LB_DEMO_KEEP=1    leave the cluster running at the end
#                     (then: heartbeat-tests/cluster/cluster --instance demo down)
#   LBT_INSTANCE      harness instance (default demo: namespaces lbt-demo-*,
#                     state in /var/tmp/lbt/demo); another name lets two demos
#                     run side by side
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
export LBT_INSTANCE=${LBT_INSTANCE:-demo}
export LBT_STATE_DIR=/var/tmp/lbt/$LBT_INSTANCE
export LBT_LIBVIRTD_SH=$LIBVIRTD_SH
FULL=(node1 node2 node3)
VM=vm1
URI=qemu+tcp://127.0.0.1/system

T0=$(date +%s%3N)
if [ -t 1 ]; then B=$'\e[1m' D=$'\e[2m' R=$'\e[0m'; else B="" D="" R=""; fi
now_ms() { date +%s%3N; }
say() {
	local now
	now=$(now_ms)
	printf '%s[%s +%3d.%03ds]%s %s\n' "$D" "$(date '+%H:%M:%S.%3N')" \
		$(((now - T0) / 1000)) $(((now - T0) % 1000)) "$R" "$*"
}
step() { echo; say "${B}$*${R}"; }
show() { sed 's/^/      | /'; }
die() { say "DEMO FAILED: $*" >&2; exit 1; }
secs() { printf '%d.%03d s' $(($1 / 1000)) $(($1 % 1000)); } # ms -> "1.234 s"
on() { local x=$1; shift; "$CLUSTER" exec "$x" "$@"; }
alive_node() { "$CLUSTER" pid "$1" >/dev/null 2>&1; }
# a full node other than $1 that is up, to ask the cluster things
survivor() {
	local x
	for x in "${FULL[@]}"; do
		[ "$x" != "${1:-}" ] && alive_node "$x" && { echo "$x"; return 0; }
	done
	return 1
}
ask() { # ask [--not NODE] CMD...: run CMD on a live full node
	local avoid=""
	if [ "$1" = --not ]; then avoid=$2; shift 2; fi
	on "$(survivor "$avoid")" timeout 10 "$@"
}
virsh_on() { local x=$1; shift; on "$x" timeout 10 virsh -q -c "$URI" "$@"; }
vm_state() { virsh_on "$1" domstate --reason "$VM" 2>/dev/null | sed -n 1p; }
qemu_pid() { # NODE -> PID of the node's QEMU (from its libvirtd's pidfiles)
	"$LIBVIRTD_SH" qemupids "$LBT_STATE_DIR/nodes/$1/libvirt" "${1#node}" 2>/dev/null | sed -n 1p
}
# "ROLE NODE" of the VM, e.g. "Started node2", "Stopped -", "Migrating node1" (crm_mon -X)
rsc_where() {
	ask --not "${1:-}" crm_mon -1 -X 2>/dev/null | awk -v r="$VM" '
		$0 ~ "<resource id=\"" r "\"" {
			match($0, /role="[^"]*"/); role = substr($0, RSTART + 6, RLENGTH - 7)
			inr = ($0 !~ /\/>[[:space:]]*$/); next }
		inr && /<node name=/ { match($0, /name="[^"]*"/); node = substr($0, RSTART + 6, RLENGTH - 7) }
		inr && /<\/resource>/ { inr = 0 }
		END { print role, (node == "" ? "-" : node) }'
}
# the node's state as crm_mon -X sees it: online / OFFLINE / UNCLEAN
node_state() { # NODE [ASK_AVOID]
	ask --not "${2:-}" crm_mon -1 -X 2>/dev/null | awk -v n="$1" '
		$0 ~ "<node name=\"" n "\" " && /online=/ && !done {
			if ($0 ~ /unclean="true"/) print "UNCLEAN"
			else if ($0 ~ /online="true"/) print "online"
			else print "OFFLINE"
			done = 1 }'
}
# true if PID is a live process (a killed one stays a zombie until PID 1 reaps it)
pid_alive() {
	local st
	st=$(awk '/^State:/ { print $2 }' "/proc/$1/status" 2>/dev/null) || return 1
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}
fence_lines() { if [ -f "$LBT_STATE_DIR/fence.log" ]; then wc -l <"$LBT_STATE_DIR/fence.log"; else echo 0; fi; }
# Pacemaker's notices about the VM (and fencing) since epoch-ms $1, from every node's log
pcmk_log() {
	local since
	since=$(date -d "@$(($1 / 1000)).$(printf '%03d' $(($1 % 1000)))" '+%H:%M:%S.%3N')
	cat "$LBT_STATE_DIR"/nodes/node*/log-pacemaker/pacemaker.log 2>/dev/null | awk -v since="$since" -v r="$VM" '
		$3 >= since && /notice:/ &&
		($0 ~ ("Result of [a-z_]+ operation for " r " ") || $0 ~ ("Initiating [a-z_]+ operation " r "_") ||
		 $0 ~ ("Actions: [A-Za-z]+ +" r " ") || /will be fenced|Requesting fencing|Operation .reboot. .* targeting|Peer [a-z0-9]+ was terminated/) {
			msg = $0; sub(/^.*notice: /, "", msg); sub(/ \| .*$/, "", msg); gsub(/  +/, " ", msg)
			if (msg ~ /^Result of probe/) next
			d = $5; sub(/\[.*/, "", d)
			print $3 " " $4 " " d ": " msg
		}' | sort | awk '{ k = $0; sub(/^[^ ]+ [^ ]+ [^ ]+: /, "", k) } !seen[k]++'
}
# ms timestamp (today) of the first line of pcmk_log output matching $2, from $1
log_ms() {
	local t
	t=$(grep -m1 -- "$2" <<<"$1" | cut -d' ' -f1)
	[ -z "$t" ] || date -d "$t" +%s%3N
}
# CMOS NVRAM of the guest, through QEMU's human monitor (as heartbeat-tests/libvirt/t3)
CMOS_BASE=0x40 # free NVRAM on QEMU's PC CMOS; zero after a fresh boot
hmp() { # NODE COMMAND (retried: the monitor may be busy with the agent's own job)
	local i out
	for i in 1 2 3 4 5; do
		if out=$(virsh_on "$1" qemu-monitor-command --hmp "$VM" "$2" 2>&1); then
			tr -d '\r' <<<"$out"
			return 0
		fi
		sleep 0.2
	done
	say "HMP '$2' on $1 failed: $out" >&2
	return 1
}
cmos_read() { # NODE N -> "aa bb .."
	local i v bytes=()
	for ((i = 0; i < $2; i++)); do
		hmp "$1" "o /b 0x70 $((CMOS_BASE + i))" >/dev/null
		v=$(hmp "$1" "i /b 0x71" | sed -n 's/.*= 0x\([0-9a-fA-F]*\).*/\1/p')
		if [ -n "$v" ]; then bytes+=("$(printf %02x "0x$v")"); else bytes+=("??"); fi
	done
	echo "${bytes[*]}"
}
cmos_write() { # NODE "aa bb .."
	local i=0 b
	for b in $2; do
		hmp "$1" "o /b 0x70 $((CMOS_BASE + i))" >/dev/null
		hmp "$1" "o /b 0x71 0x$b" >/dev/null
		i=$((i + 1))
	done
}

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
	trap '' INT TERM
	if [ "${LB_DEMO_KEEP:-0}" = 1 ] && [ "$rc" = 0 ]; then
		step "Leaving the cluster running (LB_DEMO_KEEP=1). Stop it with: $CLUSTER --instance $LBT_INSTANCE down"
		return
	fi
	echo
	say "cleaning up: every process of the demo's nodes (pacemaker, corosync, libvirtd, qemu) ends with them"
	"$CLUSTER" down >/dev/null 2>&1 || say "cleanup failed; run: $CLUSTER --instance $LBT_INSTANCE down"
}
"$CLUSTER" down >/dev/null 2>&1 || true
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- 0: the cluster ---------------------------------------------------------
step "Starting a 3-node Pacemaker cluster plus a remote node, with a real libvirtd in each full node"
say "every node is a set of namespaces with its own network, /run and Pacemaker state;"
say "remote1 runs pacemaker_remote (no Corosync, no vote); fencing is fence_lbtest, a test power switch"
if [ "$PROVIDER" = lifeboat ]; then
	say "ocf:lifeboat:VirtualDomain is $AGENTS/VirtualDomain, overlaid into the nodes"
else
	say "using the shell agent ocf:heartbeat:VirtualDomain from resource-agents"
fi
"$CLUSTER" up --nodes 3 --remotes 1 --libvirtd=full --agents "$AGENTS" 2>&1 |
	sed 's/^[0-9:.]* cluster: //' | show || die "cluster up failed"
# a remote node is UNCLEAN for a moment, until its connection's first monitor
for ((i = 0; i < 60; i++)); do
	[[ $(ask crm_mon -1 2>/dev/null) == *UNCLEAN* ]] || break
	sleep 0.25
done
ask crm_mon -1 | sed -n '/Node List/,/^$/p' | grep -v '^$' | show
for x in "${FULL[@]}"; do
	printf '%s: %s\n' "$x" "$(virsh_on "$x" version 2>/dev/null | grep -i 'running hypervisor' | sed 's/^ *//')"
done | show

# --- 1: the VM --------------------------------------------------------------
step "Defining a tiny diskless QEMU guest (TCG, 64 MiB) for libvirt"
mkdir -p "$LBT_STATE_DIR/demo"
CONFIG=$LBT_STATE_DIR/demo/$VM.xml
"$GUEST_SH" "$VM" 64 >"$CONFIG"
say "domain XML: $CONFIG (the same path on every node, so $VM can start anywhere)"

step "Creating the cluster resource with pcs"
# One CIB change with both the resource and its constraint: remote1 has no
# libvirtd, so it must not even probe for the VM (resource-discovery=never).
CIBF=$LBT_STATE_DIR/demo/cib.xml
ask pcs cluster cib "$CIBF"
cp "$CIBF" "$CIBF.orig"
CMD=(pcs -f "$CIBF" resource create "$VM" "ocf:$PROVIDER:VirtualDomain" "config=$CONFIG" "hypervisor=$URI"
	migration_transport=tcp 'migrateuri=tcp://%n' force_stop=true
	meta allow-migrate=true op monitor "interval=$INTERVAL" timeout=30s)
CON=(pcs -f "$CIBF" constraint location add "$VM-not-on-remote1" "$VM" remote1 -- -INFINITY resource-discovery=never)
say "# pcs cluster cib cib.xml"
say "# ${CMD[*]/#$CIBF/cib.xml}"
ask "${CMD[@]}" 2>&1 | show
say "# ${CON[*]/#$CIBF/cib.xml}"
ask "${CON[@]}" 2>&1 | show
say "# pcs cluster cib-push cib.xml diff-against=cib.xml.orig"
ask pcs cluster cib-push "$CIBF" diff-against="$CIBF.orig" 2>&1 | show
say "(hypervisor=$URI is each node's own libvirtd; migrateuri=tcp://%n sends the"
say " memory to the target node by name; force_stop: the guest has no OS to shut down politely;"
say " remote1 has no libvirtd, so the VM may neither run nor be looked for there)"
deadline=$(($(date +%s) + 90))
until read -r role NODE < <(rsc_where) && [ "$role" = Started ] && [ "$(vm_state "$NODE")" = "running (booted)" ]; do
	[ "$(date +%s)" -lt "$deadline" ] || { ask crm_mon -1 | show; die "$VM did not start"; }
	sleep 0.25
done
PID=$(qemu_pid "$NODE")
UUID=$(virsh_on "$NODE" domuuid "$VM" | sed -n 1p)
say "$VM is Started on $NODE: QEMU PID $PID, domain UUID $UUID"
ask crm_mon -1 | grep -E "^ *\* ${VM}[[:space:]]" | show

# --- 2: live migration --------------------------------------------------------
TARGET=""
for x in "${FULL[@]}"; do [ "$x" != "$NODE" ] && { TARGET=$x; break; }; done
step "Live-migrating $VM from $NODE to $TARGET with pcs resource move"
MARK=$(od -An -N4 -tx1 /dev/urandom | tr -s ' ' | sed 's/^ //; s/ $//')
[ "$MARK" != "00 00 00 00" ] || MARK="a5 5a c3 3c"
say "first a mark the guest would lose on a restart: bytes 0x40-0x43 of its CMOS NVRAM are $(cmos_read "$NODE" 4);"
cmos_write "$NODE" "$MARK"
say "written through QEMU's monitor, they now read $(cmos_read "$NODE" 4)"
say "# pcs resource move $VM $TARGET"
TM=$(now_ms)
ask pcs resource move "$VM" "$TARGET" 2>&1 | show
TMD=$(now_ms)
until read -r role where < <(rsc_where) && [ "$role" = Started ] && [ "$where" = "$TARGET" ]; do
	[ $(($(now_ms) - TM)) -lt 90000 ] || { ask crm_mon -1 | show; die "$VM did not move"; }
	sleep 0.25
done
say "what Pacemaker did (from the nodes' logs):"
MIGLOG=$(pcmk_log "$TM")
show <<<"$MIGLOG"
NPID=$(qemu_pid "$TARGET")
NUUID=$(virsh_on "$TARGET" domuuid "$VM" | sed -n 1p)
say "on $TARGET: $VM is '$(vm_state "$TARGET")', UUID $NUUID ($([ "$NUUID" = "$UUID" ] && echo same || echo DIFFERENT)), QEMU PID $NPID"
say "on $NODE: QEMU PID $PID is $(if pid_alive "$PID"; then echo "still there"; else echo gone; fi)"
GOT=$(cmos_read "$TARGET" 4)
if [ "$GOT" = "$MARK" ]; then
	say "${B}the CMOS mark reads $GOT on $TARGET: the same guest, moved live, never restarted${R}"
	m0=$(log_ms "$MIGLOG" "Initiating migrate_to") m1=$(log_ms "$MIGLOG" "Result of migrate_from")
	if [ -n "$m0" ] && [ -n "$m1" ]; then
		say "${B}the live migration took $(secs $((m1 - m0))) (migrate_to started -> migrate_from done);" \
			"pcs resource move returned after $(secs $((TMD - TM))) (it waits for the cluster to settle)${R}"
	fi
else
	say "the CMOS mark reads '$GOT' on $TARGET, not '$MARK': the guest was restarted"
fi
NODE=$TARGET PID=$NPID

# --- 3: a QEMU crash (recovered in place) ------------------------------------
failcount() {
	ask crm_failcount --query -r "$VM" -N "$NODE" 2>/dev/null | sed -n 's/.*value=\([0-9A-Za-z]*\).*/\1/p'
}
if [ "${LB_DEMO_QEMU_KILL:-1}" != 0 ]; then
	step "Killing the guest's QEMU process (kill -9 $PID on $NODE), as if it had crashed"
	kill -KILL "$PID"
	TK=$(now_ms)
	say "Pacemaker's next monitor (every $INTERVAL) should notice, then stop + start it on $NODE"
	last_fc=$(failcount) new_pid=""
	while :; do
		[ $(($(now_ms) - TK)) -lt 90000 ] || { ask crm_mon -1 | show; die "no recovery within 90 s"; }
		fc=$(failcount)
		if [ "$fc" != "$last_fc" ] && [ -n "$fc" ]; then
			say "monitor failed: fail-count of $VM on $NODE is now $fc (+$(secs $(($(now_ms) - TK))))"
			last_fc=$fc
		fi
		p=$(qemu_pid "$NODE")
		if [ -n "$p" ] && [ "$p" != "$PID" ] && [ -z "$new_pid" ]; then
			new_pid=$p
			say "a new QEMU process runs on $NODE: PID $new_pid (+$(secs $(($(now_ms) - TK))))"
		fi
		if [ -n "$new_pid" ] && read -r role where < <(rsc_where) && [ "$role" = Started ] &&
			[ "$(vm_state "$NODE")" = "running (booted)" ]; then
			break
		fi
		sleep 0.25
	done
	say "${B}$VM recovered in place: running again on $NODE $(secs $(($(now_ms) - TK))) after its QEMU was killed${R}"
	PID=$new_pid
fi

# --- 4: a node failure (fenced, recovered elsewhere) --------------------------
step "Powering off $NODE, the node $VM runs on (every process of the node is killed, no warning)"
say "the survivors must first make sure $NODE is really off (fencing), and only then start $VM elsewhere"
before=$(fence_lines)
"$CLUSTER" kill "$NODE" >/dev/null 2>&1
TK=$(now_ms)
say "$NODE is off: QEMU PID $PID $(if pid_alive "$PID"; then echo "still there?"; else echo "died with it"; fi)"
# ms since the kill of the last fence.log line about $NODE matching $1
fence_ms() {
	local l
	l=$(grep -- "reboot $NODE.*$1" "$LBT_STATE_DIR/fence.log" | tail -n 1)
	echo $(($(date -d "$(cut -d' ' -f1,2 <<<"$l")" +%s%3N) - TK))
}
seen_lost="" seen_fence_lines=$before t_req="" t_off="" t_run="" t_back="" NEW=""
while :; do
	el=$(($(now_ms) - TK))
	[ "$el" -lt 120000 ] || { ask --not "$NODE" crm_mon -1 | show; die "no recovery within 120 s"; }
	if [ -z "$seen_lost" ]; then
		st=$(node_state "$NODE" "$NODE")
		if [ "$st" = UNCLEAN ]; then
			seen_lost=1
			say "the cluster lost $NODE: crm_mon shows it UNCLEAN (+$(secs "$el")): it must be fenced before $VM may start elsewhere"
		elif [ "$st" = OFFLINE ]; then
			seen_lost=1
			say "the cluster lost $NODE: crm_mon shows it OFFLINE, so it is fenced already (+$(secs "$el"))"
		fi
	fi
	# fence_lbtest's own log, line by line as it is written
	total=$(fence_lines)
	if [ "$total" -gt "$seen_fence_lines" ]; then
		sed -n "$((seen_fence_lines + 1)),${total}p" "$LBT_STATE_DIR/fence.log" | while read -r _ _ rest; do
			say "fence.log: $rest"
		done
		new_lines=$(sed -n "$((seen_fence_lines + 1)),${total}p" "$LBT_STATE_DIR/fence.log")
		if [ -z "$t_req" ] && grep -q "reboot $NODE requested" <<<"$new_lines"; then t_req=$(fence_ms "requested"); fi
		if [ -z "$t_off" ] && grep -q "reboot $NODE: powered off" <<<"$new_lines"; then t_off=$(fence_ms "powered off"); fi
		seen_fence_lines=$total
	fi
	if [ -z "$t_run" ] && read -r role where < <(rsc_where "$NODE") && [ "$role" = Started ] &&
		[ "$where" != "$NODE" ] && [ "$(vm_state "$where")" = "running (booted)" ]; then
		t_run=$(($(now_ms) - TK)) NEW=$where
		say "${B}$VM is Started on $NEW and running in its libvirtd (+$(secs "$t_run"))${R}"
		virsh_on "$NEW" list | show
	fi
	if [ -n "$t_run" ] && [ -z "$t_back" ] && [ "$(node_state "$NODE" "$NODE")" = online ]; then
		t_back=$(($(now_ms) - TK))
		say "$NODE was rebooted by the fence device and is back online (+$(secs "$t_back"))"
	fi
	[ -n "$t_run" ] && [ -n "$t_back" ] && break
	sleep 0.2
done

step "How the fencing went (stonith_admin --history $NODE, and Pacemaker's logs)"
ask --not "$NODE" stonith_admin --history "$NODE" 2>&1 | grep -v '^$' | show
FLOG=$(pcmk_log "$TK")
show <<<"$FLOG"
DEV=$(sed -n "s/.*targeting $NODE using \([^ ]*\) returned.*/\1/p" <<<"$FLOG" | sed -n 1p)
BY=$(sed -n "s/.*fence_lbtest\[[0-9]*@\([a-z0-9]*\)\]: reboot $NODE requested.*/\1/p" "$LBT_STATE_DIR/fence.log" | tail -n 1)
say "${B}power off at +0; fence requested +$(secs "${t_req:-0}") (device ${DEV:-?}, stonith:fence_lbtest, run by ${BY:-?});" \
	"$NODE off +$(secs "${t_off:-0}"); $VM running on $NEW +$(secs "$t_run"); $NODE back +$(secs "$t_back")${R}"

step "Final cluster status (crm_mon -1)"
"$CLUSTER" wait-online --timeout 60 >/dev/null 2>&1 || say "(not every node is settled yet)"
ask --not "$NODE" crm_mon -1 | show
