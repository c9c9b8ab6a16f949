#!/bin/bash
# selftest.sh - end-to-end test of the multi-node cluster harness (`cluster`).
#
# Brings up 3 full nodes + 1 pacemaker_remote node, checks membership, the
# agent overlays and pcs, then kills, hangs and partitions the node running a
# Dummy resource and checks that fence_lbtest fenced it and the resource runs
# elsewhere (recovery times are printed as figures, not asserted), kills the
# remote node, and finally takes everything down and checks nothing is left.
# Prints TAP-like "ok N - ..." lines and ends with "N passed, N failed".
#
# Usage: selftest.sh   (as root; LBT_INSTANCE defaults to "st", so the
# namespaces are lbt-st-* and a cluster of the default instance is left alone)
# LBT_SELFTEST_LIBVIRTD=1 also runs a libvirtd in every node (--libvirtd) and
# checks a live migration between two nodes and that a power-off kills the
# node's guests.
set -uo pipefail

HERE=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
# shellcheck source=heartbeat-tests/lib/leftovers.sh
. "$HERE/../lib/leftovers.sh"
C=$HERE/cluster
export LBT_INSTANCE=${LBT_INSTANCE:-st}
export LBT_STATE_DIR=${LBT_STATE_DIR:-/var/tmp/lbt/$LBT_INSTANCE}
PREFIX=lbt-$LBT_INSTANCE-

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

TMP=$(mktemp -d /tmp/lbt-selftest.XXXXXX)
chmod 755 "$TMP"
finish() {
	local rc=$?
	if [ "$failed" -gt 0 ] || [ "$rc" != 0 ]; then
		if [ -d "$LBT_STATE_DIR" ]; then
			diag "logs of the failed run are in $TMP/logs"
			mkdir -p "$TMP/logs"
			cp -a "$LBT_STATE_DIR/fence.log" "$LBT_STATE_DIR"/nodes "$TMP/logs/" 2>/dev/null || true
		fi
	fi
	"$C" down >/dev/null 2>&1 || true
	[ "$failed" -gt 0 ] || rm -rf "$TMP"
}
trap finish EXIT

# a node to run queries on that is neither $1 nor down
query_node() {
	local q
	for q in node1 node2 node3; do
		[ "$q" = "${1:-}" ] && continue
		"$C" pid "$q" >/dev/null 2>&1 && { echo "$q"; return 0; }
	done
	return 1
}
q() { # q [--not NODE] CMD... : run CMD on some live full node
	local avoid=""
	if [ "$1" = --not ]; then avoid=$2; shift 2; fi
	"$C" exec "$(query_node "$avoid")" timeout 10 "$@"
}
where() { q --not "${2:-}" crm_resource -Q --locate -r "$1" 2>/dev/null | sed -n 1p; }
runs_on() { [ "$(where "$1" "${3:-}")" = "$2" ]; }
runs_elsewhere() { # RSC NOT_NODE
	local w
	w=$(where "$1" "$2")
	[ -n "$w" ] && [ "$w" != "$2" ]
}
fence_successes() {
	local c
	c=$(grep -c "reboot $1: success" "$LBT_STATE_DIR/fence.log" 2>/dev/null)
	echo "${c:-0}"
}
# ms timestamp of the last fence.log line matching $1 (empty if none)
fence_log_ms() {
	local l
	l=$(grep -- "$1" "$LBT_STATE_DIR/fence.log" 2>/dev/null | tail -n 1) || return 0
	[ -n "$l" ] || return 0
	date -d "$(echo "$l" | cut -d' ' -f1,2)" +%s%3N
}
fenced_since() { [ "$(fence_successes "$1")" -gt "$2" ]; }
history_ok() { q --not "$1" stonith_admin --history "$1" 2>/dev/null | grep "reboot of $1 successful" >/dev/null; }
all_online() { "$C" wait-online --timeout 1 >/dev/null 2>&1; }

# ---------------------------------------------------------------------------
echo "TAP version 13"
"$C" down >/dev/null 2>&1 || true

# agents for the overlays: a tiny OCF agent and a fence agent the host lacks
mkdir -p "$TMP/agents" "$TMP/fence"
cat >"$TMP/agents/lbtprobe" <<'EOF'
#!/bin/sh
case $1 in
meta-data) cat <<XML
<?xml version="1.0"?>
<resource-agent name="lbtprobe" version="1.0"><version>1.1</version>
<longdesc lang="en">selftest probe</longdesc><shortdesc lang="en">probe</shortdesc>
<parameters/><actions><action name="start" timeout="5s"/><action name="stop" timeout="5s"/>
<action name="monitor" timeout="5s" interval="10s"/><action name="meta-data" timeout="5s"/></actions>
</resource-agent>
XML
exit 0 ;;
*) exit 7 ;;
esac
EOF
cp "$HERE/fence_lbtest" "$TMP/fence/fence_lbselftest"
chmod 755 "$TMP/agents/lbtprobe" "$TMP/fence/fence_lbselftest"

# With LB_OCF_DIR (scripts/test.sh passes the build's agents/), overlay the
# real agents and check each one's metadata through Pacemaker; else the probe.
AGENTS=$TMP/agents
if [ -n "${LB_OCF_DIR:-}" ]; then
	[ -d "$LB_OCF_DIR" ] || { echo "not ok 1 - LB_OCF_DIR=$LB_OCF_DIR is not a directory"; echo "0 passed, 1 failed"; exit 1; }
	AGENTS=$LB_OCF_DIR
fi
ocf_agents=()
for a in "$AGENTS"/*; do
	[ -f "$a" ] && [ -x "$a" ] && ocf_agents+=("${a##*/}")
done
diag "ocf:lifeboat agents under test: ${ocf_agents[*]:-(none)} (from $AGENTS)"

up_opts=()
[ "${LBT_SELFTEST_LIBVIRTD:-0}" = 0 ] || up_opts+=(--libvirtd)
t0=$(now_ms)
if "$C" up --nodes 3 --remotes 1 --agents "$AGENTS" --fence-agents "$TMP/fence" "${up_opts[@]}" \
	>"$TMP/up.log" 2>&1; then
	ok "up --nodes 3 --remotes 1"
else
	not_ok "up --nodes 3 --remotes 1"
	sed 's/^/#   /' "$TMP/up.log"
	echo "$passed passed, $failed failed"
	exit 1
fi
figure "bring-up of 3 nodes + 1 remote until all online: $(($(now_ms) - t0)) ms"

xml=$(q crm_mon -1 -X)
members_online() {
	local x
	for x in node1 node2 node3; do
		printf '%s\n' "$xml" | grep "<node name=\"$x\" [^>]*online=\"true\"[^>]*type=\"member\"" >/dev/null || return 1
	done
}
check "node1..node3 are Online members (crm_mon -X)" members_online
check "remote1 is RemoteOnline (crm_mon -X)" \
	grep -q '<node name="remote1" [^>]*online="true"[^>]*type="remote"' <<<"$xml"
check "crm_node -l lists 3 members" test "$(q crm_node -l | grep -c ' member')" = 3
check "each node has its own hostname" test "$("$C" exec node2 hostname)" = node2
check "node names resolve inside nodes" \
	test "$("$C" exec node1 getent hosts remote1 | awk '{print $1}')" = 10.99.0.101
for a in "${ocf_agents[@]}"; do
	check "--agents dir appears as ocf:lifeboat: crm_resource --show-metadata ocf:lifeboat:$a" \
		bash -c "'$C' exec node3 crm_resource --show-metadata ocf:lifeboat:$a | grep '<resource-agent' >/dev/null"
done
check "ocf:lifeboat is visible on the remote node" \
	"$C" exec remote1 test -d /usr/lib/ocf/resource.d/lifeboat/.
check "ocf:lifeboat inside a node is the --agents dir" \
	test "$("$C" exec node2 stat -c %d:%i /usr/lib/ocf/resource.d/lifeboat/.)" = "$(stat -c %d:%i "$AGENTS/.")"
check "--fence-agents dir and fence_lbtest appear in /usr/sbin inside nodes" \
	bash -c "'$C' exec node1 stonith_admin --list-installed | grep -x fence_lbselftest >/dev/null &&
		'$C' exec node1 stonith_admin --list-installed | grep -x fence_lbtest >/dev/null"
check "host /usr/sbin and OCF directories are untouched" \
	bash -c '! test -e /usr/sbin/fence_lbtest && ! test -e /usr/sbin/fence_lbselftest &&
		! test -e /usr/lib/ocf/resource.d/lifeboat/lbtprobe &&
		! grep -q -e " /usr/sbin " -e " /usr/lib/ocf" /proc/self/mountinfo'
check "pcs accepts fence_lbtest's metadata (pcs stonith create, then delete)" \
	bash -c "'$C' exec node1 pcs stonith create fence-check fence_lbtest pcmk_host_list=node1 --disabled >/dev/null &&
		'$C' exec node1 pcs stonith delete fence-check >/dev/null 2>&1"
check "stonith-enabled=true with the test fence device configured" \
	bash -c "'$C' exec node1 crm_attribute --type crm_config --name stonith-enabled --query -q | grep -x true >/dev/null &&
		'$C' exec node1 crm_resource --locate -r fence-lbt | grep 'running on' >/dev/null"

# the resource under test: keep it on the full nodes for the node-kill tests
q pcs resource create dummy ocf:pacemaker:Dummy op monitor interval=2s >/dev/null 2>&1
q pcs constraint location dummy avoids remote1 >/dev/null 2>&1
if wait_for 30 runs_elsewhere dummy remote1; then
	ok "pcs resource create dummy ocf:pacemaker:Dummy: Started on $(where dummy)"
else
	not_ok "pcs resource create dummy ocf:pacemaker:Dummy"
fi

# --libvirtd: a guest moves between the nodes' libvirtds and dies with its node
libvirt_test() {
	local uri=qemu+tcp://127.0.0.1/system g=lbtg1 x pid t0
	"$HERE/../lib/guest.sh" "$g" 64 >"$TMP/$g.xml"
	for x in node1 node2 node3 remote1; do
		check "--libvirtd: libvirtd answers inside $x" "$C" exec "$x" virsh -q -c "$uri" version
	done
	check "--libvirtd: guest created on node1" "$C" exec node1 virsh -q -c "$uri" create "$TMP/$g.xml"
	t0=$(now_ms)
	if "$C" exec node1 virsh -q -c "$uri" migrate --live --p2p "$g" qemu+tcp://node2/system \
		--migrateuri tcp://node2 >/dev/null 2>&1 &&
		[ "$("$C" exec node2 virsh -q -c "$uri" domstate "$g" 2>/dev/null)" = running ]; then
		ok "--libvirtd: live migration node1 -> node2"
		figure "--libvirtd: live migration of a 64 MiB TCG guest between nodes: $(($(now_ms) - t0)) ms"
	else
		not_ok "--libvirtd: live migration node1 -> node2"
	fi
	pid=$("$HERE/../lib/libvirtd.sh" qemupids "$LBT_STATE_DIR/nodes/node2/libvirt" 2 | sed -n 1p)
	"$C" kill node2 >/dev/null 2>&1
	check "--libvirtd: powering node2 off killed its guest's QEMU" \
		bash -c "[ -n '$pid' ] && ! grep -qs '^State:[[:space:]]*[RSDT]' /proc/$pid/status"
	check "--libvirtd: node2 was fenced, rebooted, and its libvirtd is back" \
		bash -c "$(declare -f wait_for now_ms all_online); C='$C'; wait_for 90 all_online &&
			wait_for 30 '$C' exec node2 virsh -q -c '$uri' version >/dev/null"
}
[ "${LBT_SELFTEST_LIBVIRTD:-0}" = 0 ] || libvirt_test

# fault_test VERB: apply fault VERB to dummy's node, expect fencing + recovery
fault_test() {
	local verb=$1 victim before t0 tf tr
	victim=$(where dummy)
	if [ -z "$victim" ]; then
		not_ok "$verb: dummy is not running anywhere"
		return
	fi
	before=$(fence_successes "$victim")
	t0=$(now_ms)
	"$C" "$verb" "$victim" >/dev/null 2>&1
	tf="" tr=""
	while [ $(($(now_ms) - t0)) -lt 60000 ]; do
		[ -n "$tf" ] || { fenced_since "$victim" "$before" && tf=$(($(now_ms) - t0)); }
		[ -n "$tr" ] || { runs_elsewhere dummy "$victim" && tr=$(($(now_ms) - t0)); }
		[ -n "$tf" ] && [ -n "$tr" ] && break
		sleep 0.2
	done
	if [ -n "$tf" ]; then
		ok "$verb $victim: fenced by fence_lbtest (fence.log)"
	else
		not_ok "$verb $victim: fenced by fence_lbtest (fence.log)"
	fi
	check "$verb $victim: stonith_admin --history shows the reboot" wait_for 10 history_ok "$victim"
	if [ -n "$tr" ]; then
		ok "$verb $victim: dummy runs elsewhere ($(where dummy "$victim"))"
		local treq toff
		treq=$(fence_log_ms "reboot $victim requested")
		toff=$(fence_log_ms "reboot $victim: powered off")
		figure "$verb $victim: fence requested +$((treq - t0)) ms, node off +$((toff - t0)) ms, dummy running elsewhere +$tr ms"
	else
		not_ok "$verb $victim: dummy runs elsewhere"
	fi
	[ "$verb" != partition ] || "$C" heal >/dev/null 2>&1
	t0=$(now_ms)
	if wait_for 60 all_online; then
		ok "$verb $victim: the fenced node rebooted and rejoined"
		figure "$verb $victim: rebooted node back online $(($(now_ms) - t0)) ms after that"
	else
		not_ok "$verb $victim: the fenced node rebooted and rejoined"
	fi
}

fault_test kill
fault_test hang
fault_test partition

# a remote node: kill it, expect it fenced and its resource moved
q pcs resource create rdummy ocf:pacemaker:Dummy op monitor interval=2s >/dev/null 2>&1
q pcs constraint location rdummy prefers remote1=200 >/dev/null 2>&1
if wait_for 30 runs_on rdummy remote1; then
	before=$(fence_successes remote1)
	t0=$(now_ms)
	"$C" kill remote1 >/dev/null 2>&1
	if wait_for 60 fenced_since remote1 "$before"; then
		ok "kill remote1: fenced by fence_lbtest"
	else
		not_ok "kill remote1: fenced by fence_lbtest"
	fi
	if wait_for 60 runs_elsewhere rdummy remote1; then
		tr=$(($(now_ms) - t0))
		ok "kill remote1: rdummy runs elsewhere ($(where rdummy remote1))"
		figure "kill remote1: fence requested +$(($(fence_log_ms "reboot remote1 requested") - t0)) ms, rdummy running elsewhere +$tr ms"
	else
		not_ok "kill remote1: rdummy runs elsewhere"
	fi
	check "kill remote1: remote1 rebooted and is RemoteOnline again" wait_for 60 all_online
else
	not_ok "rdummy started on remote1"
fi

# ------------------------------------------------------------------ down ---
anchor=$(cat "$LBT_STATE_DIR/anchor.pid" 2>/dev/null || true)
t0=$(now_ms)
lbt_mark_down
quiet_down() { "$C" down >"$TMP/down.log" 2>&1 || { sed 's/^/# /' "$TMP/down.log"; return 1; }; }
check "down" quiet_down
figure "down: $(($(now_ms) - t0)) ms"

check "no $PREFIX network namespaces are left" \
	bash -c "! ip netns list | grep '^$PREFIX' >/dev/null"
left_procs() {
	lbt_leftover_procs "$LBT_STATE_DIR"
	[ -z "$anchor" ] || { [ -d "/proc/$anchor" ] && grep -qa lbt-anchor "/proc/$anchor/cmdline" && echo "$anchor"; }
	return 0
}
left=$(left_procs | sort -u | tr '\n' ' ')
check "no harness processes are left${left:+ (left: $left)}" test -z "$left"
check "no mounts are left" bash -c "! grep -q -e '$LBT_STATE_DIR' -e lbt-run -e lbt-sbin -e lbt-ocf /proc/self/mountinfo"
check "the state dir is removed" test ! -e "$LBT_STATE_DIR"

echo "# ---- figures (measured, not asserted) ----"
for f in "${figures[@]}"; do echo "# $f"; done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
