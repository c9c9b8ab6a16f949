#!/bin/bash
# scenarios.sh - failure scenarios of a real VM under a real Pacemaker cluster.
#
# A 3-node cluster of the harness (`cluster up --nodes 3 --libvirtd`), driven
# with pcs inside the nodes, runs one real QEMU guest as
# ocf:lifeboat:VirtualDomain (hypervisor=qemu+tcp://127.0.0.1/system: every
# node's own libvirtd; the domain XML lives in the cluster's state dir, which
# every node sees at the same path). Then, one after the other:
#
#   1. move:      `pcs resource move` of the live VM (allow-migrate=true,
#                 migration_transport=tcp): Pacemaker runs migrate_to on the
#                 source and migrate_from on the target (no stop/start), and
#                 the guest is never restarted: same UUID, "running (migrated)"
#                 on the target, a random marker written into its CMOS NVRAM
#                 through HMP before the move reads back the same after it;
#   2. kill:      the VM's node is powered off: it is fenced (fence_lbtest's
#                 log, stonith_admin --history) and the VM runs on another
#                 node (virsh on that node's libvirtd);
#   3. hang:      every process of the VM's node is SIGSTOPped: same checks;
#   4. partition: the VM's node loses its link (1 of 3): on that node crm_mon
#                 shows a partition without quorum and the VM stopped there
#                 (no-quorum-policy=stop), then the majority fences it and
#                 runs the VM. Fencing is delayed for this scenario only
#                 (pcmk_delay_base, LBT_SCEN_FENCE_DELAY, default 8s), so the
#                 minority's own stop can be seen before the power goes off.
#
# Every scenario prints the recovery time it measured ("# FIGURE:" lines and a
# summary at the end): figures, not timed asserts. Output is TAP-like
# ("ok N - ...") and ends with "N passed, N failed"; the exit status is
# non-zero if anything failed. The cluster is taken down on exit, also on
# Ctrl-C. Takes about 2 minutes on 2 cores.
#
# Usage (as root): scenarios.sh
# Environment:
#   LB_OCF_DIR      the built agents dir (scripts/test.sh passes build/agents;
#                   default: build/agents of scripts/build.sh)
#   LBT_INSTANCE    harness instance (default "scen": namespaces lbt-scen-*)
#   LBT_SCEN_FENCE_DELAY  fencing delay of the partition scenario (default 8s)
set -uo pipefail

HERE=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
TESTS=$(dirname "$HERE")
# shellcheck source=heartbeat-tests/lib/leftovers.sh
. "$TESTS/lib/leftovers.sh"
REPO=$(dirname "$TESTS")
C=$HERE/cluster
export LBT_INSTANCE=${LBT_INSTANCE:-scen}
export LBT_STATE_DIR=${LBT_STATE_DIR:-/var/tmp/lbt/$LBT_INSTANCE}
AGENTS=${LB_OCF_DIR:-$REPO/build/agents}
FENCE_DELAY=${LBT_SCEN_FENCE_DELAY:-8s}
URI=qemu+tcp://127.0.0.1/system
VM=vm1
NODES=(node1 node2 node3)

n=0 passed=0 failed=0
figures=()
ok() {
	n=$((n + 1)) passed=$((passed + 1))
	echo "ok $n - $*"
}
not_ok() {
	n=$((n + 1)) failed=$((failed + 1))
	echo "not ok $n - $*"
}
check() { # check DESCRIPTION CMD...
	local d=$1
	shift
	if "$@"; then ok "$d"; else not_ok "$d"; fi
}
diag() { echo "# $*"; }
figure() {
	figures+=("$*")
	diag "FIGURE: $*"
}
now_ms() { date +%s%3N; }
since() { echo $(($(now_ms) - $1)); }

# wait_for TIMEOUT_S CMD...: poll CMD every 0.2 s
wait_for() {
	local deadline=$(($(now_ms) + $1 * 1000))
	shift
	while [ "$(now_ms)" -lt "$deadline" ]; do
		"$@" 2>/dev/null && return 0
		sleep 0.2
	done
	"$@"
}

TMP=$(mktemp -d /tmp/lbt-scenarios.XXXXXX)
chmod 755 "$TMP"
finished=0
finish() {
	local rc=$?
	[ "$finished" = 0 ] || return 0
	finished=1
	trap '' INT TERM
	if [ "$failed" -gt 0 ] || [ "$rc" != 0 ]; then
		if [ -d "$LBT_STATE_DIR/nodes" ]; then
			mkdir -p "$TMP/logs"
			cp -a "$LBT_STATE_DIR/fence.log" "$LBT_STATE_DIR"/nodes "$TMP/logs/" 2>/dev/null || true
			diag "logs of this run are in $TMP/logs"
		fi
	fi
	"$C" down >/dev/null 2>&1 || "$C" down >&2 || true
	[ "$failed" -gt 0 ] || [ "$rc" != 0 ] || rm -rf "$TMP"
}
trap finish EXIT
trap 'diag "interrupted; cleaning up"; exit 130' INT TERM

# ------------------------------------------------------------- helpers ---

# (a grep reads captured output, never a pipe: with pipefail, a grep that quits
# at the first match would fail the pipeline with SIGPIPE now and then)
live() { "$C" pid "$1" >/dev/null 2>&1 && [ ! -e "$LBT_STATE_DIR/hung/$1" ]; }
# a live full node other than $1 (to run cluster-wide queries on)
query_node() {
	local x
	for x in "${NODES[@]}"; do
		[ "$x" = "${1:-}" ] && continue
		live "$x" && { echo "$x"; return 0; }
	done
	return 1
}
q() { # q [--not NODE] CMD... : run CMD on a live node (not NODE)
	local avoid=""
	if [ "$1" = --not ]; then avoid=$2; shift 2; fi
	"$C" exec "$(query_node "$avoid")" timeout 15 "$@"
}
in_node() { local x=$1; shift; "$C" exec "$x" timeout 15 "$@"; }
virsh_on() { local x=$1; shift; in_node "$x" virsh -q -c "$URI" "$@"; }
# "running (booted)", "running (migrated)", ... of the VM in NODE's libvirtd
vm_state() { virsh_on "$1" domstate --reason "$VM" 2>/dev/null | sed -n 1p; }
vm_running_on() { case $(vm_state "$1") in running*) return 0 ;; *) return 1 ;; esac; }
# the node Pacemaker places the VM on, as seen from a node other than $1
where() { q --not "${1:-}" crm_resource -Q --locate -r "$VM" 2>/dev/null | sed -n 1p; }
# the VM is Started (crm_mon) on a node other than $1, and running in its libvirtd
recovered_elsewhere() {
	local w
	w=$(where "$1")
	[ -n "$w" ] && [ "$w" != "$1" ] && vm_running_on "$w" &&
		grep -Eq "^ *\* ${VM}[[:space:]].*Started $w\$" <<<"$(q --not "$1" crm_mon -1 2>/dev/null)"
}
fence_successes() {
	local c
	c=$(grep -c "reboot $1: success" "$LBT_STATE_DIR/fence.log" 2>/dev/null)
	echo "${c:-0}"
}
fenced_since() { [ "$(fence_successes "$1")" -gt "$2" ]; }
# ms timestamp of the last fence.log line matching $1 (empty if none)
fence_log_ms() {
	local l
	l=$(grep -- "$1" "$LBT_STATE_DIR/fence.log" 2>/dev/null | tail -n 1) || return 0
	[ -n "$l" ] || return 0
	date -d "$(echo "$l" | cut -d' ' -f1,2)" +%s%3N
}
history_ok() { grep -q "reboot of $1 successful" <<<"$(q --not "$1" stonith_admin --history "$1" 2>/dev/null)"; }
all_online() { "$C" wait-online --timeout 1 >/dev/null 2>&1; }

# CMOS NVRAM of the guest through the HMP monitor (as in libvirt/t3-migrate.sh):
# 0x40.. is free NVRAM on QEMU's PC CMOS, zero after a fresh boot.
CMOS_BASE=0x40
hmp() { virsh_on "$1" qemu-monitor-command --hmp "$VM" "$2" 2>&1 | tr -d '\r'; }
cmos_read() { # NODE N -> "aa bb .."
	local i out v bytes=()
	for ((i = 0; i < $2; i++)); do
		hmp "$1" "o /b 0x70 $((CMOS_BASE + i))" >/dev/null
		out=$(hmp "$1" "i /b 0x71")
		v=$(sed -n 's/.*= 0x\([0-9a-fA-F]*\).*/\1/p' <<<"$out")
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

# "NODE TASK" for each operation in the VM's history (crm_mon --include=operations)
op_history() {
	q crm_mon -1 -X --include=operations 2>/dev/null | awk -v r="$VM" '
		/<node_history>/ { inh = 1 }
		inh && /<node name=/ { match($0, /name="[^"]*"/); node = substr($0, RSTART + 6, RLENGTH - 7) }
		inh && /<resource_history / { inr = ($0 ~ ("id=\"" r "\"")) }
		inh && inr && /<operation_history / { match($0, /task="[^"]*"/); print node, substr($0, RSTART + 6, RLENGTH - 7) }'
}

# Pacemaker's notices about the VM since epoch-ms $1, from every node's log
pcmk_log_since() {
	local t
	t=$(date -d "@$(($1 / 1000))" '+%H:%M:%S')
	cat "$LBT_STATE_DIR"/nodes/node*/log-pacemaker/pacemaker.log 2>/dev/null |
		awk -v since="$t" -v r="$VM" '$3 >= since && /notice:/ &&
			($0 ~ ("Initiating [a-z_]+ operation " r "_") || $0 ~ ("Actions: [A-Za-z]+ +" r " ")) {
				m = $0; sub(/^.*notice: /, "", m); sub(/ \| .*$/, "", m); gsub(/  +/, " ", m)
				print $3 " " $4 " " m }' | sort -u
}

# ------------------------------------------------------------------ up ---
echo "TAP version 13"
if [ ! -x "$AGENTS/VirtualDomain" ]; then
	not_ok "LB_OCF_DIR=$AGENTS has no built VirtualDomain agent (run scripts/build.sh)"
	echo "$passed passed, $failed failed"
	exit 1
fi
diag "agents: $AGENTS (instance $LBT_INSTANCE, state $LBT_STATE_DIR)"
"$C" down >/dev/null 2>&1 || true

t0=$(now_ms)
if "$C" up --nodes 3 --libvirtd --agents "$AGENTS" >"$TMP/up.log" 2>&1; then
	ok "up --nodes 3 --libvirtd: 3 nodes online, a libvirtd in each"
else
	not_ok "up --nodes 3 --libvirtd"
	sed 's/^/#   /' "$TMP/up.log"
	echo "$passed passed, $failed failed"
	exit 1
fi
figure "bring-up of 3 nodes with libvirtd until all online: $(since "$t0") ms"

# the domain XML, at one path that every node (and its libvirtd) sees
SHARED=$LBT_STATE_DIR/shared
mkdir -p "$SHARED"
CONFIG=$SHARED/$VM.xml
"$TESTS/lib/guest.sh" "$VM" 64 >"$CONFIG"
check "the VM's config is visible at the same path on every node" \
	bash -c "for x in ${NODES[*]}; do '$C' exec \$x test -r '$CONFIG' || exit 1; done"

t0=$(now_ms)
# force_stop: the guest has no OS that would honour an ACPI shutdown;
# migrateuri: the target node's name (libvirtd's own hostname is not resolvable)
if q pcs resource create "$VM" ocf:lifeboat:VirtualDomain "config=$CONFIG" "hypervisor=$URI" \
	migration_transport=tcp 'migrateuri=tcp://%n' force_stop=true \
	meta allow-migrate=true op monitor interval=5s timeout=30s >"$TMP/create.log" 2>&1 &&
	wait_for 60 recovered_elsewhere none; then
	ok "pcs resource create $VM ocf:lifeboat:VirtualDomain: Started on $(where), running in its libvirtd"
	figure "create: $VM running $(since "$t0") ms after pcs resource create"
else
	not_ok "pcs resource create $VM ocf:lifeboat:VirtualDomain"
	sed 's/^/#   /' "$TMP/create.log"
	q crm_mon -1 2>&1 | sed 's/^/#   /'
	echo "$passed passed, $failed failed"
	exit 1
fi

# ------------------------------------------------------- 1. live move ---
scenario_move() {
	local src dst x uuid marker t0 t hist src_ops dst_ops mig_to
	src=$(where)
	for x in "${NODES[@]}"; do [ "$x" != "$src" ] && { dst=$x; break; }; done
	diag "--- move: $VM from $src to $dst with pcs resource move"
	uuid=$(virsh_on "$src" domuuid "$VM" 2>/dev/null | sed -n 1p)
	check "move: guest CMOS marker area is zero after boot" test "$(cmos_read "$src" 4)" = "00 00 00 00"
	marker=$(od -An -N4 -tx1 /dev/urandom | tr -s ' ' | sed 's/^ //; s/ $//')
	[ "$marker" != "00 00 00 00" ] || marker="a5 5a c3 3c"
	cmos_write "$src" "$marker"
	check "move: marker '$marker' written into the guest's CMOS on $src" \
		test "$(cmos_read "$src" 4)" = "$marker"

	t0=$(now_ms)
	# pcs waits for the move and removes its constraint: allow it more than q's 15 s,
	# its Python start-up alone takes seconds on a loaded machine.
	"$C" exec "$(query_node "")" timeout 90 pcs resource move "$VM" "$dst" >"$TMP/move.log" 2>&1 &
	local pcs_pid=$! t_run=""
	while [ "$(since "$t0")" -lt 90000 ]; do
		if [ -z "$t_run" ] && [ "$(vm_state "$dst")" = "running (migrated)" ]; then t_run=$(since "$t0"); fi
		[ -n "$t_run" ] && ! kill -0 "$pcs_pid" 2>/dev/null && break
		sleep 0.2
	done
	if wait "$pcs_pid"; then
		ok "move: pcs resource move $VM $dst (pcs removed its constraint again)"
	else
		not_ok "move: pcs resource move $VM $dst"
		sed 's/^/#   /' "$TMP/move.log"
	fi
	t=$(since "$t0")
	check "move: crm_mon shows $VM Started on $dst" wait_for 30 recovered_elsewhere "$src"

	hist=$(op_history)
	diag "operation history of $VM: $(echo "$hist" | tr '\n' ';' | sed 's/;/; /g')"
	src_ops=$(awk -v n="$src" '$1 == n { print $2 }' <<<"$hist" | tr '\n' ' ')
	dst_ops=$(awk -v n="$dst" '$1 == n { print $2 }' <<<"$hist" | tr '\n' ' ')
	check "move: Pacemaker ran migrate_to on $src (history: $src_ops)" grep -qw migrate_to <<<"$src_ops"
	check "move: Pacemaker ran migrate_from on $dst and no start (history: $dst_ops)" \
		bash -c "grep -qw migrate_from <<<'$dst_ops' && ! grep -qw start <<<'$dst_ops'"
	pcmk_log_since "$t0" | grep -E "Migrate|migrate_|start|stop" | sed 's/^/#   pacemaker: /'
	check "move: the guest on $dst is 'running (migrated)'" test "$(vm_state "$dst")" = "running (migrated)"
	check "move: same domain UUID on $dst ($uuid)" test "$(virsh_on "$dst" domuuid "$VM" 2>/dev/null | sed -n 1p)" = "$uuid"
	check "move: no $VM left running on $src" bash -c "! '$C' exec $src virsh -q -c '$URI' domstate $VM 2>/dev/null | grep -q running"
	check "move: the CMOS marker survived: the guest was never restarted" \
		test "$(cmos_read "$dst" 4)" = "$marker"
	mig_to=$(q crm_mon -1 -X --include=operations 2>/dev/null | xmllint --xpath \
		"string(//node[@name='$src']/resource_history[@id='$VM']/operation_history[@task='migrate_to']/@exec-time)" - 2>/dev/null)
	figure "move $src -> $dst: guest running (migrated) on $dst +${t_run:-?} ms after pcs resource move (migrate_to took ${mig_to:-?}); pcs returned after $t ms"
}

# -------------------------------------------------- 2./3. kill / hang ---
# fault_scenario VERB: VERB the VM's node; expect it fenced and the VM elsewhere
fault_scenario() {
	local verb=$1 victim before t0 tf="" tr="" w treq toff
	victim=$(where)
	if [ -z "$victim" ]; then
		not_ok "$verb: $VM is not running anywhere"
		return
	fi
	diag "--- $verb: $VM runs on $victim; $verb $victim"
	before=$(fence_successes "$victim")
	t0=$(now_ms)
	"$C" "$verb" "$victim" >/dev/null 2>&1
	while [ "$(since "$t0")" -lt 90000 ]; do
		[ -n "$tf" ] || { fenced_since "$victim" "$before" && tf=$(since "$t0"); }
		[ -n "$tr" ] || { recovered_elsewhere "$victim" && tr=$(since "$t0"); }
		[ -n "$tf" ] && [ -n "$tr" ] && break
		sleep 0.2
	done
	if [ -n "$tf" ]; then
		ok "$verb $victim: fenced by fence_lbtest (fence.log: $(grep "reboot $victim: success" "$LBT_STATE_DIR/fence.log" | tail -n 1 | cut -d' ' -f2-))"
	else
		not_ok "$verb $victim: fenced by fence_lbtest (fence.log)"
	fi
	check "$verb $victim: stonith_admin --history shows the reboot" wait_for 10 history_ok "$victim"
	w=$(where "$victim")
	if [ -n "$tr" ]; then
		ok "$verb $victim: $VM Started on $w, virsh on $w: $(vm_state "$w")"
		treq=$(fence_log_ms "reboot $victim requested")
		toff=$(fence_log_ms "reboot $victim: powered off")
		figure "$verb $victim: fence requested +$((treq - t0)) ms, node off +$((toff - t0)) ms, $VM running on $w +$tr ms"
	else
		not_ok "$verb $victim: $VM runs on another node"
		q --not "$victim" crm_mon -1 2>&1 | sed 's/^/#   /'
	fi
	pcmk_log_since "$t0" | grep -E "Recover|Move|Start|start|stop" | sed 's/^/#   pacemaker: /'
	t0=$(now_ms)
	if wait_for 90 all_online; then
		ok "$verb $victim: the fenced node rebooted and rejoined"
		diag "$victim back online $(since "$t0") ms later"
	else
		not_ok "$verb $victim: the fenced node rebooted and rejoined"
	fi
}

# ------------------------------------------------------ 4. partition ---
minority_stopped() { # NODE HOLDER_PID: still the same boot, no quorum, VM stopped
	local x=$1 hp=$2 mon
	[ "$("$C" pid "$x" 2>/dev/null)" = "$hp" ] || return 2
	mon=$(in_node "$x" crm_mon -1 -r 2>/dev/null) || return 1
	minority_mon=$(grep -E "Current DC|^ *\* ${VM}[[:space:]]" <<<"$mon" | sed 's/^ *//; s/[[:space:]]\{1,\}/ /g' | tr '\n' ' ')
	grep -q "partition WITHOUT quorum" <<<"$mon" || return 1
	grep -Eq "^ *\* ${VM}[[:space:]].*Stopped" <<<"$mon" || return 1
	! vm_running_on "$x"
}
scenario_partition() {
	local victim hp before t0 tq="" ts="" tf="" tr="" w rc treq
	minority_mon=""
	victim=$(where)
	if [ -z "$victim" ]; then
		not_ok "partition: $VM is not running anywhere"
		return
	fi
	q pcs stonith update fence-lbt "pcmk_delay_base=$FENCE_DELAY" >/dev/null 2>&1
	sleep 1 # let the fencer see the new parameter
	diag "--- partition: $VM runs on $victim; cut $victim's link (1 of 3); fencing delayed by $FENCE_DELAY"
	hp=$("$C" pid "$victim")
	before=$(fence_successes "$victim")
	t0=$(now_ms)
	"$C" partition "$victim" >/dev/null 2>&1
	# the minority's own view, until it is fenced
	while [ "$(since "$t0")" -lt 60000 ]; do
		[ -n "$tq" ] || { grep -q "partition WITHOUT quorum" <<<"$(in_node "$victim" crm_mon -1 2>/dev/null)" && tq=$(since "$t0"); }
		minority_stopped "$victim" "$hp"
		rc=$?
		[ "$rc" = 0 ] && { ts=$(since "$t0"); break; }
		[ "$rc" = 2 ] && break # fenced already
		sleep 0.2
	done
	if [ -n "$tq" ]; then ok "partition $victim: the minority lost quorum (crm_mon on $victim: $minority_mon)"; else not_ok "partition $victim: the minority lost quorum"; fi
	if [ -n "$ts" ]; then
		ok "partition $victim: the minority stopped $VM itself (crm_mon: Stopped; not running in its libvirtd; not fenced yet)"
	else
		not_ok "partition $victim: the minority stopped $VM before it was fenced"
	fi
	while [ "$(since "$t0")" -lt 90000 ]; do
		[ -n "$tf" ] || { fenced_since "$victim" "$before" && tf=$(since "$t0"); }
		[ -n "$tr" ] || { recovered_elsewhere "$victim" && tr=$(since "$t0"); }
		[ -n "$tf" ] && [ -n "$tr" ] && break
		sleep 0.2
	done
	if [ -n "$tf" ]; then ok "partition $victim: the majority fenced it (fence_lbtest)"; else not_ok "partition $victim: the majority fenced it"; fi
	check "partition $victim: stonith_admin --history shows the reboot" wait_for 10 history_ok "$victim"
	w=$(where "$victim")
	if [ -n "$tr" ]; then
		ok "partition $victim: $VM Started on $w, virsh on $w: $(vm_state "$w")"
		treq=$(fence_log_ms "reboot $victim requested")
		figure "partition $victim: no quorum on $victim +${tq:-?} ms, $VM stopped there +${ts:-?} ms, fence requested +$((treq - t0)) ms (incl. the $FENCE_DELAY delay), $VM running on $w +$tr ms"
	else
		not_ok "partition $victim: $VM runs on another node"
		q --not "$victim" crm_mon -1 2>&1 | sed 's/^/#   /'
	fi
	"$C" heal >/dev/null 2>&1
	q pcs stonith update fence-lbt pcmk_delay_base= >/dev/null 2>&1
	check "partition $victim: healed; the node rejoined" wait_for 90 all_online
}

scenario_move
fault_scenario kill
fault_scenario hang
scenario_partition

# ------------------------------------------------------------------ down ---
t0=$(now_ms)
lbt_mark_down
quiet_down() { "$C" down >"$TMP/down.log" 2>&1 || { sed 's/^/# /' "$TMP/down.log"; return 1; }; }
check "down" quiet_down
diag "down: $(since "$t0") ms"
check "no lbt-$LBT_INSTANCE-* namespaces are left" bash -c "! ip netns list | grep '^lbt-$LBT_INSTANCE-' >/dev/null"
left=$(lbt_leftover_procs | tr '\n' ' ')
check "no process of the cluster (pacemaker, libvirtd, QEMU) is left${left:+ (left: $left)}" test -z "$left"
check "no mounts of the scenarios are left" bash -c "! grep -qF '$LBT_STATE_DIR' /proc/self/mountinfo"

echo "# ---- recovery times (measured, not asserted) ----"
for f in "${figures[@]}"; do echo "# $f"; done
echo "1..$n"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
