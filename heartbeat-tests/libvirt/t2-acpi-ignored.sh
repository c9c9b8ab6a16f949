#!/bin/bash
# A guest that ignores the ACPI shutdown request must be destroyed within the
# stop operation's timeout (OCF_RESKEY_CRM_meta_timeout=20000), and stop
# must report success.
set -uo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

DOM=lbt-acpi-$RUN_ID
RSC=vd-acpi
CFG=$WORK/$DOM.xml
HV=$URI1
TMO=20000
ev_pid=
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	[ -z "$ev_pid" ] || kill "$ev_pid" 2>/dev/null || true
	scrub_domain "$URI1" "$DOM"
}
trap cleanup EXIT
make_guest "$DOM"
scrub_domain "$URI1" "$DOM"

agent start
expect_rc "start" 0
assert_eq "virsh sees it running" "$(domstate "$URI1" "$DOM")" running
pid=$(qemu_pid 1 "$DOM")
check "its QEMU process runs (pid ${pid:-none})" test -n "$pid"

# precondition, checked independently of the agent: the guest really ignores
# an ACPI shutdown request
vsh "$URI1" shutdown --mode acpi "$DOM" >/dev/null 2>&1
sleep 3
assert_eq "still running 3 s after a direct ACPI shutdown request" "$(domstate "$URI1" "$DOM")" running

# watch lifecycle events: how did the domain end?
timeout 120 virsh -q -c "$URI1" event --domain "$DOM" --event lifecycle --loop --timestamp >"$WORK/events" 2>&1 &
ev_pid=$!
sleep 0.5

agent stop
expect_rc "stop with a 20 s timeout" 0
check "stop returned within the timeout (${MS} ms < ${TMO} ms)" test "$MS" -lt "$TMO"
st=$(domstate "$URI1" "$DOM")
check "virsh sees it stopped ($st)" is_stopped "$st"
check "its QEMU process $pid is gone" wait_pid_gone "$pid" 5
sleep 0.5
kill "$ev_pid" 2>/dev/null || true
wait "$ev_pid" 2>/dev/null || true
ev_pid=
sed 's/^/#     event: /' "$WORK/events"
check "libvirt reported it 'Stopped Destroyed' (forced off, not a guest shutdown)" \
	grep -q "lifecycle.*Stopped Destroyed" "$WORK/events"

IV=10000 agent monitor
expect_rc "monitor after stop is 'not running'" 7

finish
