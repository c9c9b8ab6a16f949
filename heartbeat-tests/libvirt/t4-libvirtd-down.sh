#!/bin/bash
# When libvirtd hangs (SIGSTOP) or dies (SIGKILL) under a running guest,
# monitor must never answer 7 ("not running"): Pacemaker would then start the
# guest elsewhere while it still runs here. Acceptable answers are an error
# code, 0 if the agent verified that the guest runs without libvirtd, or (for
# the hung daemon) running into the operation timeout, which pacemaker-execd
# also reports as a failure. Uses the third daemon, which it leaves dead.
set -uo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

DOM=lbt-down-$RUN_ID
RSC=vd-down
CFG=$WORK/$DOM.xml
HV=$URI3
TMO=20000
dpid=$("$LIBDIR/libvirtd.sh" pid "$STATE" "$INST3")
qpid=
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	kill -CONT "$dpid" 2>/dev/null || true
	if pid_alive "$dpid"; then
		scrub_domain "$URI3" "$DOM"
	elif [ -n "$qpid" ]; then
		kill "$qpid" 2>/dev/null || true
	fi
}
trap cleanup EXIT
make_guest "$DOM"
scrub_domain "$URI3" "$DOM"

# not_7 DESC: the last agent result is not "not running"
not_7() {
	case $RC in
	7) fail "$1: rc=7 'not running' while the guest runs (${MS} ms)" ;;
	124) pass "$1: no answer before the ${TMO2:-$TMO} ms timeout; execd counts that as a failure, not as 'not running'" ;;
	*) pass "$1: rc=$RC (${MS} ms)" ;;
	esac
}

agent start
expect_rc "start" 0
qpid=$(qemu_pid 3 "$DOM")
check "its QEMU process runs (pid ${qpid:-none})" test -n "$qpid"
IV=10000 agent monitor
expect_rc "monitor with libvirtd up" 0

# --- hung daemon
kill -STOP "$dpid"
note "libvirtd (pid $dpid) stopped with SIGSTOP"
TMO2=8000
IV=10000 agent monitor OCF_RESKEY_CRM_meta_timeout=$TMO2
not_7 "monitor while libvirtd hangs"
check "guest QEMU $qpid still runs" pid_alive "$qpid"
kill -CONT "$dpid"
note "libvirtd continued"
IV=10000 agent monitor
expect_rc "monitor after libvirtd continued" 0

# --- dead daemon
kill -KILL "$dpid"
check "libvirtd (pid $dpid) is dead after SIGKILL" wait_pid_gone "$dpid" 5
check "guest QEMU $qpid still runs without libvirtd" pid_alive "$qpid"
IV=10000 agent monitor
not_7 "monitor with libvirtd dead"
check "monitor with libvirtd dead answered before the timeout" test "$RC" != 124
IV=0 agent monitor
not_7 "probe with libvirtd dead"
check "probe with libvirtd dead answered before the timeout" test "$RC" != 124
check "guest QEMU $qpid still runs" pid_alive "$qpid"

finish
