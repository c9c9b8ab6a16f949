#!/bin/bash
# VirtualDomain integration tests against real libvirtd + QEMU (TCG).
#
#   heartbeat-tests/libvirt/run.sh [TEST...]        e.g. run.sh t3-migrate
#   AGENT=/path/to/agents/VirtualDomain heartbeat-tests/libvirt/run.sh
#
# AGENT defaults to the peer ocf:heartbeat:VirtualDomain, so the same tests
# show that ours is a drop-in replacement. Three libvirtds are started
# (127.0.0.2, .3, .4 port 16509, see ../lib/libvirtd.sh) under a state dir in
# /tmp and torn down on exit, failure and interrupt.
# LB_LIBVIRT_BASE=N uses libvirtd.sh instances N..N+2 (127.0.0.N+1..N+3)
# instead of 1..3, to run beside another copy of the suite.
# TEST_TIMEOUT (s, default 300) ends a test that hangs.
# KEEP_STATE=1 keeps the state dir (daemon logs, agent logs) even on success;
# on failure it is always kept.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LIBDIR=$(cd "$HERE/../lib" && pwd)
AGENT=${AGENT:-/usr/lib/ocf/resource.d/heartbeat/VirtualDomain}
case $AGENT in /*) ;; *) AGENT=$(pwd)/$AGENT ;; esac
export AGENT LIBDIR

if [ "$(id -u)" != 0 ]; then
	echo "run.sh: must run as root (libvirtd in private mount namespaces)" >&2
	exit 2
fi
if [ ! -x "$AGENT" ]; then
	echo "run.sh: agent $AGENT is not executable" >&2
	exit 2
fi

ALL_TESTS=(t1-lifecycle t2-acpi-ignored t3-migrate t4-libvirtd-down t5-ocf-tester)
if [ $# -gt 0 ]; then TESTS=("$@"); else TESTS=("${ALL_TESTS[@]}"); fi

STATE=$(mktemp -d /tmp/lifeboat-libvirt.XXXXXX)
chmod 755 "$STATE" # ocf-tester runs meta-data as nobody
mkdir -p "$STATE/rsctmp"
export STATE

passed=0 failed=0 cur_pid='' torn_down=0
start_pids=()

# all descendants of a PID, deepest first
descendants() {
	local c
	for c in $(ps -o pid= --ppid "$1" 2>/dev/null); do
		descendants "$c"
		echo "$c"
	done
}

# teardown [RC]: stop an interrupted test and all daemons; runs once
teardown() {
	local rc=${1:-$?} p
	[ "$torn_down" = 1 ] && return 0
	torn_down=1
	if [ -n "$cur_pid" ]; then
		# an interrupted test: stop it and everything it started
		# (agents run under timeout(1), in their own process groups)
		for p in $(descendants "$cur_pid") "$cur_pid"; do
			kill -TERM "$p" 2>/dev/null || true
		done
		sleep 0.5
		for p in $(descendants "$cur_pid") "$cur_pid"; do
			kill -KILL "$p" 2>/dev/null || true
		done
		cur_pid=
	fi
	# daemons still starting: let them finish (bounded), then stop them all
	for p in "${start_pids[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	if [ "$failed" -ne 0 ] || [ "$rc" -ne 0 ] || [ "${KEEP_STATE:-0}" = 1 ]; then
		export LIBVIRTD_KEEP=1
	fi
	"$LIBDIR/libvirtd.sh" stopall "$STATE" || echo "# WARNING: libvirtd teardown incomplete"
	if [ "${LIBVIRTD_KEEP:-0}" = 1 ]; then
		echo "# state, daemon and agent logs kept in $STATE"
	else
		rm -rf "$STATE"
	fi
}
on_signal() {
	trap - INT TERM EXIT
	echo "# interrupted by SIG$1, tearing down"
	teardown 1
	echo "$passed passed, $((failed + 1)) failed"
	[ "$1" = INT ] && exit 130
	exit 143
}
trap 'teardown' EXIT
trap 'on_signal INT' INT
trap 'on_signal TERM' TERM

echo "# agent: $AGENT"
echo "# state: $STATE"
t0=$(date +%s)
# three daemons: 1 and 2 for the tests (and migration), 3 for the test that
# kills its daemon. They probe QEMU in parallel (~8 s each on first start).
base=${LB_LIBVIRT_BASE:-1}
case $base in '' | *[!0-9]* | 0) echo "run.sh: bad LB_LIBVIRT_BASE" >&2; exit 2 ;; esac
start_pids=()
for i in 1 2 3; do
	export "INST$i=$((base + i - 1))"
	"$LIBDIR/libvirtd.sh" start "$STATE" "$((base + i - 1))" >"$STATE/start-$i.out" 2>&1 &
	start_pids+=($!)
done
bad=0
for i in 1 2 3; do
	if ! wait "${start_pids[$((i - 1))]}"; then
		echo "# libvirtd instance $i did not start:"
		sed 's/^/#   /' "$STATE/start-$i.out"
		bad=1
	fi
done
start_pids=()
if [ "$bad" -ne 0 ]; then
	echo "Bail out! libvirtd did not start"
	failed=1
	exit 1
fi
for i in 1 2 3; do
	uri=$(tail -n1 "$STATE/start-$i.out")
	addr=${uri#*://}
	export "URI$i=$uri" "ADDR$i=${addr%%/*}"
done
echo "# libvirtds up in $(($(date +%s) - t0)) s: $URI1 $URI2 $URI3"

echo "1..${#TESTS[@]}"
n=0
for t in "${TESTS[@]}"; do
	n=$((n + 1))
	script=$HERE/$t.sh
	[ -f "$script" ] || script=$HERE/$t
	export WORK=$STATE/$t
	mkdir -p "$WORK"
	ts=$(date +%s)
	# in the background so that a signal reaches our trap at once
	timeout -k 5 "${TEST_TIMEOUT:-300}" bash "$script" &
	cur_pid=$!
	rc=0
	wait "$cur_pid" || rc=$?
	cur_pid=
	[ "$rc" -ne 124 ] || echo "# $t: killed after ${TEST_TIMEOUT:-300} s"
	if [ "$rc" -eq 0 ]; then
		echo "ok $n - $t ($(($(date +%s) - ts)) s)"
		passed=$((passed + 1))
	else
		echo "not ok $n - $t (rc $rc, $(($(date +%s) - ts)) s)"
		failed=$((failed + 1))
	fi
done
echo "# total $(($(date +%s) - t0)) s"
trap - INT TERM EXIT
teardown "$((failed > 0 ? 1 : 0))"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
