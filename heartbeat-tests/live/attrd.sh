#!/bin/bash
# shellcheck disable=SC2317 # the test helpers are called through "ok" and "eventually"
# attrd.sh - live test of lib/cib.c against a real single-node Pacemaker.
#
# Starts corosync + pacemakerd in private namespaces (network, mount, UTS, IPC
# and PID, with a private /run, /dev/shm and Pacemaker/Corosync state), then
# drives lb_attr_tool (heartbeat-tests/unit/lb_attr_tool.c, built by
# `make check`) to set, query and delete transient attributes through attrd,
# cross-checked with attrd_updater and crm_attribute; it also checks resource
# role/location and utilization on the live CIB against crm_resource. Output is
# TAP, ending with the line "N passed, M failed". Everything it starts is
# stopped by PID (and the PID namespace takes any leftover with it).
#
# Usage (root): heartbeat-tests/live/attrd.sh
#   LB_ATTR_TOOL=path  the tool (default $top_builddir/heartbeat-tests/unit/lb_attr_tool)
#   LB_KEEP=1          keep the work directory (logs) after the run
#   LB_HOLD=1          once the node is online, wait until WORK/release exists
#                      (enter with: nsenter -t PID -n -m -u -i -p, PID in WORK/holder.pid)
set -u
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
# shellcheck source=heartbeat-tests/lib/pcmk1.sh
. "$here/../lib/pcmk1.sh"

# ---------------------------------------------------------------- outside
if [ "${1:-}" != --inside ]; then
	pcmk1_check_tools attrd_updater crm_resource || exit 77
	tool=${LB_ATTR_TOOL:-${top_builddir:-.}/heartbeat-tests/unit/lb_attr_tool}
	if [ ! -x "$tool" ]; then
		echo "Bail out! $tool not built (make heartbeat-tests/unit/lb_attr_tool)"
		exit 99
	fi
	pcmk1_reexec "$0" "$(readlink -f "$tool")"
fi

# ---------------------------------------------------------------- inside (PID 1 of its namespace)
work=$2
tool=$3
node=node1
pass=0
fail=0
num=0

log() { printf '# %s\n' "$*"; }
# shellcheck source=heartbeat-tests/lib/tap.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/tap.sh"
eq() { # eq EXPECTED COMMAND... : command succeeds and its stdout equals EXPECTED
	local want=$1 got rc
	shift
	got=$("$@" 2>/dev/null)
	rc=$?
	[ "$rc" = 0 ] && [ "$got" = "$want" ] && return 0
	log "expected '$want' and exit 0, got '$got' and exit $rc from: $*"
	return 1
}
eventually() { # eventually SECONDS COMMAND... : retry until it succeeds
	local end=$((SECONDS + $1))
	shift
	while ! "$@" >/dev/null 2>&1; do
		[ "$SECONDS" -ge "$end" ] && { "$@" >&2; return 1; }
		sleep 0.5
	done
}
not() { ! "$@"; }
exit_is() { # exit_is CODE COMMAND...
	local want=$1 rc
	shift
	"$@" >/dev/null 2>&1
	rc=$?
	[ "$rc" = "$want" ] && return 0
	log "exit $rc, expected $want: $*"
	return 1
}
finish() {
	pcmk1_stop
	echo "1..$num"
	echo "$pass passed, $fail failed"
	[ "$fail" = 0 ] && [ "$num" -gt 0 ]
	exit $?
}
trap finish TERM INT

log "starting corosync and pacemakerd in $work"
if ! pcmk1_setup "$work" "$node" || ! pcmk1_start 90; then
	echo "Bail out! $node not online (see $work)"
	num=$((num + 1)) fail=$((fail + 1))
	finish
fi
log "$node online after ${SECONDS}s"
if [ "${LB_HOLD:-0}" = 1 ]; then
	echo "$$" >"$work/holder.pid" # 1 here; the host PID is found by the caller
	log "holding: touch $work/release to continue"
	while [ ! -e "$work/release" ]; do sleep 1; done
fi

T=$tool
# ---------------------------------------------------------------- local node name
ok "local node name from the controller matches crm_node -n" eq "$(crm_node -n)" "$T" node
ok "local node name is $node" eq "$node" "$T" node

# ---------------------------------------------------------------- attrd set/query/delete
ok "set lb-test=42 on the local node" "$T" set - lb-test 42
ok "query (local node) returns 42" eq 42 "$T" get - lb-test
ok "query (node $node) returns 42" eq 42 "$T" get "$node" lb-test
ok "attrd_updater -Q sees 42" eventually 5 sh -c \
	"attrd_updater -Q -n lb-test -N $node | grep -q 'value=\"42\"'"
ok "crm_attribute -l reboot -G sees 42 in the CIB" eventually 15 \
	eq 42 crm_attribute -l reboot -N "$node" -n lb-test -G -q
ok "lb_cib_node_attr (live CIB, transient) reads 42" eventually 15 eq 42 "$T" cib-get "$node" lb-test
ok "set lb-test=43 naming the node" "$T" set "$node" lb-test 43
ok "query returns 43" eq 43 "$T" get "$node" lb-test
ok "a value set by attrd_updater -U is read back" sh -c \
	"attrd_updater -U 44 -n lb-test -N $node && [ \"\$('$T' get $node lb-test)\" = 44 ]"
ok "OCF_RESKEY_CRM_meta_on_node names the local node" \
	eq 44 env OCF_RESKEY_CRM_meta_on_node="$node" "$T" get - lb-test
ok "delete lb-test" "$T" del - lb-test
ok "query after delete: not found (exit 2)" exit_is 2 "$T" get - lb-test
ok "attrd_updater -Q shows no value after delete" not sh -c \
	"attrd_updater -Q -n lb-test -N $node 2>/dev/null | grep -q 'value=\"4'"
ok "crm_attribute -G finds nothing after delete" eventually 15 \
	not crm_attribute -l reboot -N "$node" -n lb-test -G -q
ok "lb_cib_node_attr finds nothing after delete" eventually 15 exit_is 2 "$T" cib-get "$node" lb-test
ok "query of an attribute never set: not found (exit 2)" exit_is 2 "$T" get - lb-never-set
skip() { num=$((num + 1)) pass=$((pass + 1)); echo "ok $num - $1 # SKIP $2"; }
if ldd "$T" 2>/dev/null | grep -q libasan; then
	skip "valgrind: set, get, del through attrd are clean" "ASan build (its checks ran instead)"
	skip "valgrind: local node name from the controller is clean" "ASan build"
elif command -v valgrind >/dev/null; then
	vg() { valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
		--error-exitcode=99 "$@"; }
	ok "valgrind: set, get, del through attrd are clean" sh -c \
		"$(declare -f vg); vg '$T' set - lb-vg 1 && [ \"\$(vg '$T' get - lb-vg)\" = 1 ] && vg '$T' del - lb-vg"
	ok "valgrind: local node name from the controller is clean" eq "$node" vg "$T" node
fi

# ---------------------------------------------------------------- live CIB: role, location, utilization
cibadmin -C -o resources -X '<primitive id="lb-d1" class="ocf" provider="pacemaker" type="Dummy">
  <operations><op id="lb-d1-monitor-5s" name="monitor" interval="5s"/></operations></primitive>'
ok "Dummy lb-d1 started (crm_resource --locate)" eventually 30 sh -c \
	"crm_resource --locate -r lb-d1 2>/dev/null | grep -q 'running on: $node'"
ok "lb role of lb-d1 on $node is Started" eventually 10 eq Started "$T" role lb-d1 "$node"
ok "lb locate lb-d1 gives $node" eq "$node" "$T" locate lb-d1
ok "set utilization cpu=2 on lb-d1" "$T" util-set lb-d1 cpu 2
ok "crm_resource -z -g cpu reads 2" eq 2 crm_resource -r lb-d1 -z -g cpu
ok "utilization ids are crm_resource's" sh -c \
	"cibadmin -Q --xpath \"//primitive[@id='lb-d1']/utilization[@id='lb-d1-utilization']/nvpair[@id='lb-d1-utilization-cpu']\" >/dev/null"
epoch() { cibadmin -Q 2>/dev/null | sed -n '1s/.* epoch="\([0-9]*\)".*/\1/p'; }
e1=$(epoch)
ok "setting the same value again does not write (epoch $e1 kept)" sh -c \
	"'$T' util-set lb-d1 cpu 2 && [ \"\$(cibadmin -Q | sed -n '1s/.* epoch=\"\([0-9]*\)\".*/\1/p')\" = '$e1' ]"
ok "delete utilization cpu" "$T" util-set lb-d1 cpu
ok "crm_resource -z -g cpu finds nothing" eq "" crm_resource -r lb-d1 -z -g cpu
crm_resource -r lb-d1 --meta -p target-role -v Stopped >/dev/null 2>&1
ok "lb role of lb-d1 becomes Stopped after target-role=Stopped" eventually 30 \
	eq Stopped "$T" role lb-d1 "$node"
ok "lb locate lb-d1 gives no node" eq "" "$T" locate lb-d1

finish
