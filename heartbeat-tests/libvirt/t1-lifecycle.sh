#!/bin/bash
# start/monitor/stop lifecycle against a real libvirtd (instance 1).
# Every agent result is checked against the domain state as virsh and the
# QEMU pidfile show it.
set -uo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

DOM=lbt-life-$RUN_ID
RSC=vd-life
CFG=$WORK/$DOM.xml
HV=$URI1
TMO=20000
trap 'scrub_domain "$URI1" "$DOM"' EXIT
make_guest "$DOM"
scrub_domain "$URI1" "$DOM"

assert_eq "domain absent before the test" "$(domstate "$URI1" "$DOM")" absent

IV=0 agent monitor
expect_rc "probe of an undefined domain is 'not running'" 7
IV=10000 agent monitor
expect_rc "monitor of an undefined domain is 'not running'" 7
agent stop
expect_rc "stop of an undefined domain succeeds" 0
assert_eq "still absent after that stop" "$(domstate "$URI1" "$DOM")" absent

agent start
expect_rc "start" 0
assert_eq "virsh sees it running after start" "$(domstate "$URI1" "$DOM")" running
pid1=$(qemu_pid 1 "$DOM")
check "its QEMU process runs (pid ${pid1:-none})" test -n "$pid1"
id1=$(vsh "$URI1" domid "$DOM" 2>/dev/null)

IV=10000 agent monitor
expect_rc "monitor of the running domain" 0
IV=0 agent monitor
expect_rc "probe of the running domain" 0

agent start
expect_rc "start of a running domain succeeds" 0
assert_eq "still running" "$(domstate "$URI1" "$DOM")" running
assert_eq "same QEMU process (not restarted)" "$(qemu_pid 1 "$DOM")" "$pid1"
assert_eq "same domain id (not restarted)" "$(vsh "$URI1" domid "$DOM" 2>/dev/null)" "$id1"

# The guest ignores ACPI shutdown, so this also needs the forced stop; the
# timeout is kept short to keep the suite quick (t2 covers the long wait).
agent stop OCF_RESKEY_CRM_meta_timeout=10000
expect_rc "stop of the running domain within its 10 s timeout" 0
st=$(domstate "$URI1" "$DOM")
check "virsh sees it stopped after stop ($st)" is_stopped "$st"
check "its QEMU process $pid1 is gone" wait_pid_gone "$pid1" 5

IV=10000 agent monitor
expect_rc "monitor after stop is 'not running'" 7
agent stop
expect_rc "stop of a stopped domain succeeds" 0

# a domain that is defined but shut off
vsh "$URI1" define "$CFG" >/dev/null
assert_eq "defined, shut off (set up with virsh define)" "$(domstate "$URI1" "$DOM")" "shut off"
IV=0 agent monitor
expect_rc "probe of a defined but shut off domain is 'not running'" 7
agent stop
expect_rc "stop of a defined but shut off domain succeeds" 0
agent start
expect_rc "start of a defined but shut off domain" 0
assert_eq "virsh sees it running" "$(domstate "$URI1" "$DOM")" running
IV=10000 agent monitor
expect_rc "monitor" 0
pid2=$(qemu_pid 1 "$DOM")
agent stop OCF_RESKEY_CRM_meta_timeout=10000
expect_rc "stop within its 10 s timeout" 0
st=$(domstate "$URI1" "$DOM")
check "virsh sees it stopped ($st)" is_stopped "$st"
[ -z "$pid2" ] || check "its QEMU process $pid2 is gone" wait_pid_gone "$pid2" 5
IV=0 agent monitor
expect_rc "probe after stop is 'not running'" 7

finish
